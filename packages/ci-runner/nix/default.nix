# The NixOS modules of step 1, by name. The root flake exports them as nixosModules.*.
{
  ci-runner = import ./ci-runner.nix;
}
