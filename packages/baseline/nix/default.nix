# paved's NixOS modules, merged into nixosModules by the root flake.nix. Importing one of them switches it
# on (its `paved.<name>.enable` defaults to true there); `default` imports all of them with only the
# baseline on, so a host enables the rest with `paved.<name>.enable = true`. Modules import each other
# by path, so importing several of these is safe.
let
  enabling = key: name: file: { lib, ... }: {
    key = "paved-module-${key}";
    imports = [ file ];
    config.paved.${name}.enable = lib.mkDefault true;
  };
in
{
  baseline = enabling "baseline" "baseline" ./baseline.nix;
  bastion = enabling "bastion" "bastion" ./bastion.nix;
  logging = enabling "logging" "logging" ./logging.nix;
  monitoring = enabling "monitoring" "monitoring" ./monitoring.nix;
  team = ./team.nix;
  default = enabling "default" "baseline" ./all.nix;
}
