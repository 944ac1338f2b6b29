# paved.monitoring: the Prometheus node exporter, bound to a chosen address and reachable only from the
# monitoring network. Targets nixos-26.05 and nixos-unstable. Options checked against nixpkgs
# services/monitoring/prometheus/exporters.nix and exporters/node.nix:
#   services.prometheus.exporters.node.{enable,listenAddress,port,openFirewall,enabledCollectors,disabledCollectors}
# The exporter's own openFirewall opens the port to every source, so it stays off; paved adds firewall
# rules limited to `allowFrom` instead.
{ config, lib, ... }:
let
  inherit (lib) mkDefault mkIf mkMerge mkOption types;
  helpers = import ./lib.nix { inherit lib; };
  cfg = config.paved.monitoring;
in
{
  options.paved.monitoring = {
    enable = lib.mkEnableOption "the Prometheus node exporter";
    listenAddress = mkOption {
      type = types.str;
      default = "0.0.0.0";
      example = "10.0.5.12";
      description = "Address the exporter binds to; prefer the host's address on the monitoring network.";
    };
    port = mkOption {
      type = types.port;
      default = 9100;
      description = "Exporter port.";
    };
    allowFrom = mkOption {
      type = types.listOf helpers.cidr;
      default = [ ];
      example = [ "10.0.9.0/24" ];
      description = "Networks (Prometheus servers) that may scrape the exporter. Empty: the port stays closed.";
    };
    collectors = mkOption {
      type = types.listOf types.str;
      default = [ "systemd" ];
      description = "Collectors to enable in addition to the exporter's defaults.";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      services.prometheus.exporters.node = {
        enable = mkDefault true;
        listenAddress = mkDefault cfg.listenAddress;
        port = mkDefault cfg.port;
        openFirewall = mkDefault false;
        enabledCollectors = cfg.collectors;
      };
    }
    (helpers.allowTcpFrom {
      inherit config;
      inherit (cfg) port;
      cidrs = cfg.allowFrom;
      comment = "paved-node-exporter";
    })
  ]);
}
