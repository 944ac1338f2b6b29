# paved.logging: ship the systemd journal to a collector with a maintained agent — Vector (default) or
# Grafana Alloy. Promtail is end of life (Grafana's successor to it is Alloy) and is not offered.
# Targets nixos-26.05 and nixos-unstable. Options checked against nixpkgs:
#   services/logging/vector.nix   services.vector.{enable,journaldAccess,settings} (settings: JSON format)
#   services/monitoring/alloy.nix services.alloy.{enable,configPath}; config in environment.etc."alloy/config.alloy"
# Secrets: none are taken here. For an authenticated sink, give Vector/Alloy an environment file outside
# the Nix store (services.alloy.environmentFile, systemd.services.vector.serviceConfig.EnvironmentFile).
{ config, lib, ... }:
let
  inherit (lib) mkDefault mkIf mkMerge mkOption types;
  cfg = config.paved.logging;
  sink = cfg.sink;
  labels = { host = config.networking.hostName; } // sink.labels;

  vectorSink =
    {
      loki = {
        type = "loki";
        endpoint = sink.url;
        encoding.codec = "json";
        labels = labels // { unit = "{{ _SYSTEMD_UNIT }}"; };
        out_of_order_action = "accept";
      };
      http = {
        type = "http";
        uri = sink.url;
        encoding.codec = "json";
      };
      vector = {
        type = "vector";
        address = sink.url;
      };
    }
    .${sink.type};

  alloyString = builtins.toJSON;
  alloyConfig = ''
    loki.source.journal "journal" {
      max_age       = "12h"
      relabel_rules = loki.relabel.journal.rules
      labels        = { ${lib.concatStringsSep ", " (lib.mapAttrsToList (k: v: "${k} = ${alloyString v}") labels)} }
      forward_to    = [loki.write.paved.receiver]
    }

    loki.relabel "journal" {
      forward_to = []
      rule {
        source_labels = ["__journal__systemd_unit"]
        target_label  = "unit"
      }
    }

    loki.write "paved" {
      endpoint {
        url = ${alloyString "${lib.removeSuffix "/" sink.url}/loki/api/v1/push"}
      }
    }
  '';
in
{
  options.paved.logging = {
    enable = lib.mkEnableOption "shipping the journal to a log collector";
    agent = mkOption {
      type = types.enum [ "vector" "alloy" ];
      default = "vector";
      description = "The shipping agent.";
    };
    sink = {
      type = mkOption {
        type = types.enum [ "loki" "http" "vector" ];
        default = "loki";
        description = "Where logs go: a Loki server, any HTTP endpoint taking JSON, or a Vector aggregator. Alloy supports loki only.";
      };
      url = mkOption {
        type = types.str;
        example = "https://loki.internal:3100";
        description = "Collector address: Loki base URL, HTTP endpoint URL, or host:port of a Vector aggregator.";
      };
      labels = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = { env = "staging"; };
        description = "Extra static labels (Loki). `host` is always the host name.";
      };
    };
    units = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "sshd.service" ];
      description = "Only ship these systemd units (Vector); empty ships the whole journal.";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = cfg.agent == "vector" || sink.type == "loki";
          message = "paved.logging: the Alloy agent ships to Loki only; use agent = \"vector\" for sink type ${sink.type}.";
        }
      ];
    }
    (mkIf (cfg.agent == "vector") {
      services.vector = {
        enable = mkDefault true;
        journaldAccess = mkDefault true;
        settings = {
          data_dir = mkDefault "/var/lib/vector";
          sources.paved_journal = {
            type = "journald";
          } // lib.optionalAttrs (cfg.units != [ ]) { include_units = cfg.units; };
          sinks.paved = vectorSink // { inputs = [ "paved_journal" ]; };
        };
      };
    })
    (mkIf (cfg.agent == "alloy") {
      services.alloy.enable = mkDefault true;
      environment.etc."alloy/config.alloy".text = alloyConfig;
    })
  ]);
}
