# The reusable NixOS modules of steps 3 and 4, by name. The root flake exports them as nixosModules.*.
{ }
