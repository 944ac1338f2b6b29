# The NixOS modules of step 1, by name. The root flake exports them as nixosModules.*.
# The module is imported by path inside a keyed wrapper, so a host that gets it twice (from
# nixosModules.default and from its hosts/NAME.nix) evaluates it once.
{
  ci-runner = {
    key = "paved-module-ci-runner";
    imports = [ ./ci-runner.nix ];
  };
}
