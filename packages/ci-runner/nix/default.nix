# The NixOS modules of step 1, by name. The root flake exports them as nixosModules.*.
{
  # A path, not an imported value: the module system then dedupes it when a host imports it twice.
  ci-runner = ./ci-runner.nix;
}
