# paved.bastion: the baseline plus a jump host for `ssh -J`. Targets nixos-26.05 and nixos-unstable.
# Option names and types checked against nixpkgs:
#   services/networking/ssh/sshd.nix     services.openssh.{openFirewall,extraConfig,settings.*} (settings.Banner:
#                                        the old services.openssh.banner option was removed before 26.05)
#   services/security/fail2ban.nix       services.fail2ban.{enable,maxretry,bantime,bantime-increment.*}
#   services/security/sshguard.nix       services.sshguard.{enable,attack_threshold,blocktime}
#   security/audit.nix, security/auditd.nix   security.audit.{enable,rules,backlogLimit,failureMode}, security.auditd.enable
#   security/pam.nix                     security.pam.services.<name>.ttyAudit.{enable,enablePattern}
#   programs/tlog.nix                    programs.tlog.{enable,settings.rec-session.shell} (nixpkgs 8c7335a)
#   security/wrappers                    security.wrapperDir (tlog-rec-session is a setuid wrapper there)
#
# Session recording, two layers:
# - programs.tlog where the release has it (checked with `options`, not by release number): the login shell
#   of every roster user who may open a shell becomes tlog-rec-session, which records the terminal's output
#   to the journal (replay with `tlog-play -r journal -M TLOG_REC=…`). Jump-only users have no shell to record.
# - pam_tty_audit everywhere (security.pam.services.<name>.ttyAudit): what users type in SSH and sudo TTY
#   sessions goes to the kernel audit log (`aureport --tty`).
#
# A bastion is its SSH server: turning paved.baseline.ssh off (or services.openssh) is an evaluation error,
# never a quiet fallback to NixOS's own sshd defaults (password login, open port).
{ config, options, lib, pkgs, ... }:
let
  inherit (lib) mkDefault mkIf mkMerge mkOption types;
  helpers = import ./lib.nix { inherit lib; };
  cfg = config.paved.bastion;
  # Stronger than the baseline's mkDefault (1000), weaker than a host's own setting (100).
  bastionDefault = lib.mkOverride 900;
  jumpOnly = cfg.jumpOnlyUsers;
  hasTlog = options ? programs && options.programs ? tlog;
  tlogShell = "${config.security.wrapperDir}/tlog-rec-session";
  # Roster users with a shell on the bastion; isReserved names are refused by the team module's assertions.
  recorded = lib.filter (name: !(lib.elem name jumpOnly)) (lib.attrNames config.paved.team.users);
in
{
  imports = [ ./baseline.nix ];

  options.paved.bastion = {
    enable = lib.mkEnableOption "the bastion (SSH jump host) role";

    allowFrom = mkOption {
      type = types.listOf helpers.cidr;
      default = [ ];
      example = [ "10.20.0.0/16" "2001:db8:20::/48" ];
      description = "Networks that may reach SSH on the bastion (the team's source networks); sets paved.baseline.ssh.allowFrom.";
    };

    jumpPorts = mkOption {
      type = types.listOf types.port;
      default = [ 22 ];
      description = "Ports users may jump to through the bastion (sshd PermitOpen *:port); SSH only by default.";
    };

    jumpOnlyUsers = mkOption {
      type = types.listOf types.str;
      default = lib.attrNames (lib.filterAttrs (_: u: u.jumpOnly) config.paved.team.users);
      defaultText = lib.literalExpression "builtins.attrNames (lib.filterAttrs (_: u: u.jumpOnly) config.paved.team.users)";
      description = "Users who may only forward through the bastion: no TTY, no command, no shell.";
    };

    bruteForce = mkOption {
      type = types.enum [ "fail2ban" "sshguard" "none" ];
      default = "fail2ban";
      description = "Brute-force protection for sshd.";
    };

    audit.enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether auditd records privileged commands and changes to identity files.";
    };

    sessionRecording.enable = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether sessions are recorded: keystrokes of SSH and sudo TTY sessions go to the audit log (pam_tty_audit,
        needs audit.enable), and where the NixOS release has programs.tlog, the terminal output of every roster
        user with a shell goes to the journal (tlog-rec-session as login shell).
      '';
    };

    banner = mkOption {
      type = types.nullOr types.lines;
      default = ''
        Authorised access only. Connections to this bastion are logged and audited.
      '';
      description = "Text shown before authentication (sshd Banner); null for none.";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = config.paved.baseline.ssh.enable;
          message = "paved.bastion: paved.baseline.ssh.enable is false, but a bastion is its SSH server. With it off, any sshd enabled later runs on NixOS's defaults (password login, port open to all). Remove paved.baseline.ssh.enable = false, or set paved.bastion.enable = false if this host is no longer a bastion.";
        }
        {
          assertion = config.services.openssh.enable;
          message = "paved.bastion: services.openssh.enable is false, so the bastion runs no sshd and nobody can jump through it. Remove that setting, or set paved.bastion.enable = false if this host is no longer a bastion.";
        }
      ];
      paved.baseline.enable = mkDefault true;
      # A store path as a string: sshd.nix writes settings values as text and refuses attribute sets.
      services.openssh.settings.Banner = mkIf (cfg.banner != null) (mkDefault "${pkgs.writeText "paved-ssh-banner" cfg.banner}");
      services.openssh.settings = {
        LogLevel = bastionDefault "VERBOSE";
        # A jump (`ssh -J`) is a local (direct-tcpip) forward; nothing else is needed.
        AllowTcpForwarding = mkDefault "local";
        PermitOpen = mkDefault (lib.concatMapStringsSep " " (p: "*:${toString p}") cfg.jumpPorts);
        AllowAgentForwarding = mkDefault false;
        AllowStreamLocalForwarding = mkDefault false;
        X11Forwarding = bastionDefault false;
        PermitTunnel = mkDefault false;
        GatewayPorts = bastionDefault "no";
        MaxSessions = mkDefault 4;
      };
      warnings = lib.optional (cfg.allowFrom == [ ])
        "paved.bastion.allowFrom is empty: SSH on this bastion is reachable from anywhere the network allows.";
    }

    { paved.baseline.ssh.allowFrom = cfg.allowFrom; }

    # Match blocks go last in sshd_config; NixOS writes settings first, then extraConfig.
    (mkIf (jumpOnly != [ ]) {
      services.openssh.extraConfig = ''
        Match User ${lib.concatStringsSep "," jumpOnly}
          PermitTTY no
          ForceCommand ${config.paved.team.jumpOnlyShell}
          AllowTcpForwarding local
          AllowAgentForwarding no
          AllowStreamLocalForwarding no
          X11Forwarding no
          PermitTunnel no
      '';
    })

    (mkIf (cfg.bruteForce == "fail2ban") {
      services.fail2ban = {
        enable = mkDefault true;
        maxretry = mkDefault 5;
        bantime = mkDefault "1h";
        bantime-increment.enable = mkDefault true;
        bantime-increment.maxtime = mkDefault "168h";
      };
    })
    (mkIf (cfg.bruteForce == "sshguard") {
      services.sshguard.enable = mkDefault true;
      services.sshguard.attack_threshold = mkDefault 30;
      services.sshguard.blocktime = mkDefault 600;
    })

    (mkIf cfg.audit.enable {
      security.auditd.enable = mkDefault true;
      security.audit.enable = mkDefault true;
      security.audit.backlogLimit = mkDefault 8192;
      security.audit.failureMode = mkDefault "printk";
      security.audit.rules = [
        # Programs run as root by a person who logged in (auid set), however they became root. This includes
        # every setuid-root program (sudo, su, passwd in /run/wrappers/bin): euid is 0 when their execve returns.
        # (A `-F dir=/run/wrappers/bin` rule would be more direct, but the kernel refuses it while the wrappers
        # service has not created that directory yet, and rule loading and that service are not ordered.)
        "-a always,exit -F arch=b64 -S execve -F euid=0 -F auid>=1000 -F auid!=unset -k paved-privileged"
        "-a always,exit -F arch=b32 -S execve -F euid=0 -F auid>=1000 -F auid!=unset -k paved-privileged"
        # Changes of user IDs by logged-in users (su, sudo, setuid helpers switching identity).
        "-a always,exit -F arch=b64 -S setuid,setreuid,setresuid -F auid>=1000 -F auid!=unset -k paved-privileged"
        # Identity files and who may log in.
        "-w /etc/passwd -p wa -k paved-identity"
        "-w /etc/group -p wa -k paved-identity"
        "-w /etc/shadow -p wa -k paved-identity"
        "-w /etc/sudoers -p wa -k paved-identity"
        "-w /etc/ssh/authorized_keys.d -p wa -k paved-identity"
      ];
    })

    (mkIf cfg.sessionRecording.enable {
      security.pam.services.sshd.ttyAudit = {
        enable = mkDefault true;
        enablePattern = mkDefault "*";
      };
      security.pam.services.sudo.ttyAudit = {
        enable = mkDefault true;
        enablePattern = mkDefault "*";
      };
      assertions = [
        {
          assertion = config.security.audit.enable != false;
          message = "paved.bastion.sessionRecording needs the kernel audit subsystem (paved.bastion.audit.enable or security.audit.enable).";
        }
      ];
    })

    # optionalAttrs, not mkIf: a release without programs.tlog must not even see a definition of it.
    (mkIf cfg.sessionRecording.enable (lib.optionalAttrs hasTlog {
      programs.tlog.enable = mkDefault true;
      # mkOverride 900: over the roster's default shell, under a host's own choice for one user.
      users.users = lib.genAttrs recorded (_: { shell = lib.mkOverride 900 tlogShell; });
    }))
  ]);
}
