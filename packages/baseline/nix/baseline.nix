# paved.baseline: the security baseline every paved host runs. Each control has its own switch, and every
# value is a `mkDefault`, so a host overrides any of them by setting the NixOS option directly.
#
# Targets nixos-26.05 (stable) and nixos-unstable. Option names and types checked against nixpkgs:
#   services/networking/ssh/sshd.nix   services.openssh.{enable,openFirewall,authorizedKeysInHomedir,settings.*}
#                                      (settings.Macs, not MACs; KbdInteractiveAuthentication; freeform keys
#                                      take scalars only, so HostKeyAlgorithms is a comma-joined string)
#   security/sudo.nix                  security.sudo.{enable,execWheelOnly,wheelNeedsPassword}
#   config/users-groups.nix            users.mutableUsers
#   config/nix.nix, nix-gc.nix, nix-optimise.nix   nix.settings.{allowed-users,trusted-users}, nix.gc.*, nix.optimise.*
#   config/sysctl.nix                  boot.kernel.sysctl
#   system/boot/systemd/journald.nix   26.05: storage + extraConfig; unstable: settings.Journal (extraConfig removed)
#   system/boot/timesyncd.nix          26.05: extraConfig; unstable: settings.Time (extraConfig removed)
#   tasks/auto-upgrade.nix             system.autoUpgrade.{enable,flake,dates,randomizedDelaySec,allowReboot,flags}
{ config, lib, options, ... }:
let
  inherit (lib) mkDefault mkIf mkMerge mkOption types;
  helpers = import ./lib.nix { inherit lib; };
  cfg = config.paved.baseline;
  switch = what: mkOption {
    type = types.bool;
    default = true;
    description = "Whether the baseline manages ${what}.";
  };

  # OpenSSH 9.9 added ML-KEM; older sshd refuses to start with an algorithm it does not know.
  sshdKnowsMlkem =
    let package = config.services.openssh.package; in
    lib.versionAtLeast (package.version or (lib.getVersion package)) "9.9";

  # unstable moved journald.conf and timesyncd.conf to freeform `settings`; 26.05 still has extraConfig.
  journaldHasSettings = options.services.journald ? settings;
  timesyncdHasSettings = options.services.timesyncd ? settings;
  toIni = attrs: lib.concatStrings (lib.mapAttrsToList (k: v: "${k}=${toString v}\n") attrs);
  journalSettings = {
    SystemMaxUse = cfg.journald.maxUse;
    SystemMaxFileSize = cfg.journald.maxFileSize;
    MaxRetentionSec = cfg.journald.maxRetention;
    Compress = "yes";
  };
in
{
  imports = [ ./team.nix ];

  options.paved.baseline = {
    enable = lib.mkEnableOption "paved's security baseline";

    ssh = {
      enable = switch "a key-only, hardened OpenSSH server";
      allowFrom = mkOption {
        type = types.listOf helpers.cidr;
        default = [ ];
        example = [ "10.20.0.0/16" ];
        description = ''
          Networks that may reach SSH (for example the bastion's). Enforced twice: by the firewall, where
          the SSH port is then no longer open to everyone, and by sshd itself (AllowUsers *@network).
          Empty: SSH is reachable wherever the firewall's openFirewall lets it.
        '';
      };
      permitRootLogin = mkOption {
        type = types.enum [ "no" "prohibit-password" "forced-commands-only" ];
        default = "no";
        description = ''
          Whether root may log in over SSH. Deploy as a wheel user with `nixos-rebuild --sudo` instead;
          set "prohibit-password" if your deploy tool must log in as root.
        '';
      };
      ciphers = mkOption {
        type = types.listOf types.str;
        default = [
          "chacha20-poly1305@openssh.com"
          "aes256-gcm@openssh.com"
          "aes128-gcm@openssh.com"
          "aes256-ctr"
          "aes192-ctr"
          "aes128-ctr"
        ];
        description = "sshd Ciphers; the default passes ssh-audit without failures.";
      };
      macs = mkOption {
        type = types.listOf types.str;
        default = [
          "hmac-sha2-512-etm@openssh.com"
          "hmac-sha2-256-etm@openssh.com"
          "umac-128-etm@openssh.com"
        ];
        description = "sshd MACs (encrypt-then-MAC only).";
      };
      kexAlgorithms = mkOption {
        type = types.listOf types.str;
        default =
          lib.optionals sshdKnowsMlkem [ "mlkem768x25519-sha256" ]
          ++ [
            "sntrup761x25519-sha512@openssh.com"
            "curve25519-sha256"
            "curve25519-sha256@libssh.org"
          ];
        defaultText = lib.literalExpression ''lib.optionals (lib.versionAtLeast config.services.openssh.package.version "9.9") [ "mlkem768x25519-sha256" ] ++ [ "sntrup761x25519-sha512@openssh.com" "curve25519-sha256" "curve25519-sha256@libssh.org" ]'';
        description = "sshd KexAlgorithms: post-quantum hybrids first, no NIST curves, no SHA-1, no finite-field groups.";
      };
      hostKeyAlgorithms = mkOption {
        type = types.listOf types.str;
        default = [
          "ssh-ed25519"
          "ssh-ed25519-cert-v01@openssh.com"
          "sk-ssh-ed25519@openssh.com"
          "rsa-sha2-512"
          "rsa-sha2-256"
        ];
        description = "sshd HostKeyAlgorithms: Ed25519 and SHA-2 RSA signatures only.";
      };
    };

    firewall.enable = switch "the firewall (on, default deny inbound)";
    immutableUsers.enable = switch "users: accounts come only from the configuration (users.mutableUsers = false)";

    sudo = {
      enable = switch "sudo, limited to wheel (execWheelOnly)";
      wheelNeedsPassword = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether wheel users type a password for sudo. Off by default: with immutable users and key-only
          SSH, roster users have no password to type. Turn on if you give admins a hashedPasswordFile.
        '';
      };
    };

    nix = {
      enable = switch "who may use the Nix daemon";
      allowedUsers = mkOption {
        type = types.listOf types.str;
        default = [ "root" "@wheel" ];
        description = "nix.settings.allowed-users: who may talk to the Nix daemon at all.";
      };
      trustedUsers = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Users the Nix daemon trusts besides root, which NixOS always trusts (nix.settings.trusted-users). Trusted users are root-equivalent: keep this empty.";
      };
    };

    sysctl.enable = switch "kernel network hardening (no redirects, no source routing, SYN cookies); forwarding is left alone";

    journald = {
      enable = switch "a persistent, size-limited journal";
      maxUse = mkOption {
        type = types.str;
        default = "2G";
        description = "journald SystemMaxUse.";
      };
      maxFileSize = mkOption {
        type = types.str;
        default = "128M";
        description = "journald SystemMaxFileSize.";
      };
      maxRetention = mkOption {
        type = types.str;
        default = "3month";
        description = "journald MaxRetentionSec.";
      };
    };

    timeSync = {
      enable = switch "time synchronisation with systemd-timesyncd";
      servers = mkOption {
        type = types.nullOr (types.listOf types.str);
        default = null;
        description = "NTP servers; null leaves NixOS' own choice (networking.timeServers become the FallbackNTP= list).";
      };
      settings = mkOption {
        type = types.attrsOf (types.oneOf [ types.str types.int ]);
        default = { };
        example = { PollIntervalMaxSec = 1024; };
        description = "Extra timesyncd.conf [Time] settings (written to extraConfig on 26.05, settings.Time on unstable).";
      };
    };

    gc = {
      enable = switch "automatic garbage collection of the Nix store";
      dates = mkOption {
        type = types.str;
        default = "weekly";
        description = "When to collect (systemd calendar event).";
      };
      olderThan = mkOption {
        type = types.str;
        default = "30d";
        description = "Delete system generations older than this.";
      };
    };

    autoUpgrade = {
      enable = lib.mkEnableOption "automatic upgrades from the team's flake";
      flake = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "git+ssh://git@github.com/acme/platform";
        description = "Flake to upgrade from (the platform repository); the host's own nixosConfiguration is used.";
      };
      dates = mkOption {
        type = types.str;
        default = "04:40";
        description = "When to upgrade.";
      };
      allowReboot = mkOption {
        type = types.bool;
        default = false;
        description = "Reboot when the new generation needs it (kernel, initrd).";
      };
    };
  };

  config = mkIf cfg.enable (mkMerge [
    (mkIf cfg.ssh.enable {
      services.openssh = {
        enable = mkDefault true;
        # Keys come only from the roster: a key someone drops into ~/.ssh survives no deploy.
        authorizedKeysInHomedir = mkDefault false;
        settings = {
          PermitRootLogin = mkDefault cfg.ssh.permitRootLogin;
          PasswordAuthentication = mkDefault false;
          KbdInteractiveAuthentication = mkDefault false;
          PubkeyAuthentication = mkDefault true;
          AuthenticationMethods = mkDefault "publickey";
          PermitEmptyPasswords = mkDefault false;
          PermitUserEnvironment = mkDefault false;
          X11Forwarding = mkDefault false;
          UseDns = mkDefault false;
          # VERBOSE logs the fingerprint of the key each login used: who logged in, not just which account.
          LogLevel = mkDefault "VERBOSE";
          MaxAuthTries = mkDefault 3;
          LoginGraceTime = mkDefault 30;
          ClientAliveInterval = mkDefault 300;
          ClientAliveCountMax = mkDefault 2;
          Ciphers = mkDefault cfg.ssh.ciphers;
          Macs = mkDefault cfg.ssh.macs;
          KexAlgorithms = mkDefault cfg.ssh.kexAlgorithms;
          HostKeyAlgorithms = mkDefault (lib.concatStringsSep "," cfg.ssh.hostKeyAlgorithms);
        };
      };
    })

    (mkIf (cfg.ssh.enable && cfg.ssh.allowFrom != [ ]) (mkMerge [
      {
        # mkOverride 900: beats the plain default, loses to a host that opens the port on purpose.
        services.openssh.openFirewall = lib.mkOverride 900 false;
        services.openssh.settings.AllowUsers = map (net: "*@${net}") cfg.ssh.allowFrom;
      }
      (helpers.allowTcpFrom {
        inherit config;
        port = builtins.head config.services.openssh.ports;
        cidrs = cfg.ssh.allowFrom;
        comment = "paved-ssh";
      })
    ]))

    (mkIf cfg.firewall.enable {
      networking.firewall.enable = mkDefault true;
      networking.firewall.logRefusedConnections = mkDefault true;
    })

    (mkIf cfg.immutableUsers.enable { users.mutableUsers = mkDefault false; })

    (mkIf cfg.sudo.enable {
      security.sudo.enable = mkDefault true;
      security.sudo.execWheelOnly = mkDefault true;
      security.sudo.wheelNeedsPassword = mkDefault cfg.sudo.wheelNeedsPassword;
    })

    (mkIf cfg.nix.enable {
      nix.settings.allowed-users = mkDefault cfg.nix.allowedUsers;
      # Not mkDefault: NixOS defines trusted-users = [ "root" ] at normal priority, which would win over it.
      nix.settings.trusted-users = cfg.nix.trustedUsers;
    })

    # Nothing here touches ip_forward, rp_filter or user namespaces: routers, container hosts and CI
    # runners need them, and NixOS' firewall already does reverse-path filtering (checkReversePath).
    (mkIf cfg.sysctl.enable {
      boot.kernel.sysctl = lib.mapAttrs (_: mkDefault) {
        "net.ipv4.conf.all.accept_redirects" = 0;
        "net.ipv4.conf.default.accept_redirects" = 0;
        "net.ipv6.conf.all.accept_redirects" = 0;
        "net.ipv6.conf.default.accept_redirects" = 0;
        "net.ipv4.conf.all.secure_redirects" = 0;
        "net.ipv4.conf.default.secure_redirects" = 0;
        "net.ipv4.conf.all.send_redirects" = 0;
        "net.ipv4.conf.default.send_redirects" = 0;
        "net.ipv4.conf.all.accept_source_route" = 0;
        "net.ipv4.conf.default.accept_source_route" = 0;
        "net.ipv6.conf.all.accept_source_route" = 0;
        "net.ipv6.conf.default.accept_source_route" = 0;
        "net.ipv4.conf.all.log_martians" = 1;
        "net.ipv4.icmp_echo_ignore_broadcasts" = 1;
        "net.ipv4.icmp_ignore_bogus_error_responses" = 1;
        "net.ipv4.tcp_syncookies" = 1;
        "net.ipv4.tcp_rfc1337" = 1;
        "kernel.kptr_restrict" = 2;
        "kernel.dmesg_restrict" = 1;
        "kernel.unprivileged_bpf_disabled" = 1;
        "net.core.bpf_jit_harden" = 2;
      };
    })

    (mkIf cfg.journald.enable (
      if journaldHasSettings then
        { services.journald.settings.Journal = lib.mapAttrs (_: mkDefault) (journalSettings // { Storage = "persistent"; }); }
      else
        {
          services.journald.storage = mkDefault "persistent";
          services.journald.extraConfig = toIni journalSettings;
        }
    ))

    (mkIf cfg.timeSync.enable (mkMerge [
      {
        services.timesyncd.enable = mkDefault true;
        services.timesyncd.servers = mkIf (cfg.timeSync.servers != null) (mkDefault cfg.timeSync.servers);
      }
      (
        if timesyncdHasSettings then
          { services.timesyncd.settings.Time = lib.mapAttrs (_: mkDefault) cfg.timeSync.settings; }
        else
          { services.timesyncd.extraConfig = toIni cfg.timeSync.settings; }
      )
    ]))

    (mkIf cfg.gc.enable {
      nix.gc = {
        automatic = mkDefault true;
        dates = mkDefault cfg.gc.dates;
        options = mkDefault "--delete-older-than ${cfg.gc.olderThan}";
        randomizedDelaySec = mkDefault "45min";
        persistent = mkDefault true;
      };
      nix.optimise.automatic = mkDefault true;
    })

    (mkIf cfg.autoUpgrade.enable {
      system.autoUpgrade = {
        enable = mkDefault true;
        flake = mkDefault cfg.autoUpgrade.flake;
        dates = mkDefault cfg.autoUpgrade.dates;
        randomizedDelaySec = mkDefault "45min";
        allowReboot = mkDefault cfg.autoUpgrade.allowReboot;
        # Print build logs into the journal so a failed upgrade can be diagnosed from the host.
        flags = [ "-L" ];
      };
      assertions = [
        {
          assertion = cfg.autoUpgrade.flake != null;
          message = "paved.baseline.autoUpgrade.enable needs paved.baseline.autoUpgrade.flake (the platform repository's flake URL).";
        }
      ];
    })
  ]);
}
