# Every paved module; only the baseline is switched on by nixosModules.default (see default.nix).
{
  imports = [
    ./team.nix
    ./baseline.nix
    ./bastion.nix
    ./logging.nix
    ./monitoring.nix
  ];
}
