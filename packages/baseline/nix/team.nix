# paved.team: the team roster as NixOS users. paved renders the roster from paved.yaml into a plain data
# file (team.nix in the platform repository) that sets these options; this module turns it into
# users.users. Because users.mutableUsers is false under the baseline, a user removed from the roster
# loses their account and their keys on the next deploy.
#
# Checked against nixos-26.05 and unstable (nixos/modules/config/users-groups.nix): users.users.<name>
# .{isNormalUser, description, extraGroups, expires, shell, openssh.authorizedKeys.keys}, users.groups.
{ config, lib, options, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.paved.team;
  keyTypes = [
    "ssh-ed25519"
    "ssh-rsa"
    "ecdsa-sha2-nistp256"
    "ecdsa-sha2-nistp384"
    "ecdsa-sha2-nistp521"
    "sk-ssh-ed25519@openssh.com"
    "sk-ecdsa-sha2-nistp256@openssh.com"
  ];
  keyPattern = "(${lib.concatMapStringsSep "|" lib.escapeRegex keyTypes}) [A-Za-z0-9+/]+={0,2}( [^\n]*)?";
  isPublicKey = key: builtins.match keyPattern key != null;

  # Jump-only accounts exist for `ssh -J` through a bastion; other hosts do not create them at all.
  isBastion = options ? paved && options.paved ? bastion && config.paved.bastion.enable;
  members = lib.filterAttrs (_: u: isBastion || !u.jumpOnly) cfg.users;
  knownGroups = cfg.groups ++ [ "wheel" ];
  # Accounts NixOS or paved's modules own: a roster entry with such a name would merge into that account.
  reservedUsers = [ "root" "nobody" "sshd" "messagebus" "polkituser" "nscd" "vector" "alloy" "node-exporter" "fail2ban" "sshguard" "gitlab-runner" ];
  # github-runner-*: the runner services run as DynamicUser accounts of that name, which a roster user would own.
  isReserved = name: builtins.elem name reservedUsers || lib.hasPrefix "nixbld" name || lib.hasPrefix "systemd-" name || lib.hasPrefix "github-runner-" name;

  userModule = {
    options = {
      keys = mkOption {
        # Checked by an assertion, not by the type: a type error would print the value, and a private key
        # pasted here by mistake must not end up in logs.
        type = types.listOf types.str;
        description = "SSH public keys of this user (one `type base64 comment` line each). Only keys listed here can log in.";
      };
      groups = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Groups from `paved.team.groups`, or `wheel` for administrators (sudo).";
      };
      expires = mkOption {
        type = types.nullOr (types.strMatching "[[:digit:]]{4}-[[:digit:]]{2}-[[:digit:]]{2}");
        default = null;
        example = "2026-12-31";
        description = "Last day of access (YYYY-MM-DD); the account is locked from then on (users.users.<name>.expires).";
      };
      jumpOnly = mkOption {
        type = types.bool;
        default = false;
        description = "The user may only jump through bastions (`ssh -J`): no shell, and no account on other hosts.";
      };
      description = mkOption {
        type = types.str;
        default = "";
        description = "Full name or role, for /etc/passwd.";
      };
    };
  };
in
{
  options.paved.team = {
    groups = mkOption {
      type = types.listOf (types.strMatching "[a-z_][a-z0-9_-]*");
      default = [ ];
      description = "Groups the roster defines; each becomes a NixOS group on every host.";
    };
    users = mkOption {
      type = types.attrsOf (types.submodule userModule);
      default = { };
      description = "The team roster, by login name.";
    };
    jumpOnlyShell = mkOption {
      type = types.str;
      default = "/run/current-system/sw/bin/nologin";
      description = "Login shell of jump-only users; it refuses interactive logins.";
    };
  };

  config = lib.mkIf (cfg.users != { } || cfg.groups != [ ]) {
    users.groups = lib.genAttrs cfg.groups (_: { });
    users.users = lib.mapAttrs (
      _: u:
      {
        isNormalUser = true;
        inherit (u) description expires;
        extraGroups = u.groups;
        openssh.authorizedKeys.keys = builtins.filter isPublicKey u.keys;
      }
      // lib.optionalAttrs u.jumpOnly { shell = cfg.jumpOnlyShell; }
    ) (lib.filterAttrs (name: _: !(isReserved name)) members);

    assertions = lib.flatten (
      lib.mapAttrsToList (name: u: [
        {
          assertion = !(isReserved name);
          message = "paved.team.users.${name}: ${name} is a system account, not a person; pick another login name.";
        }
        {
          assertion = u.keys != [ ];
          message = "paved.team.users.${name} has no SSH key; a key-only host would lock them out.";
        }
        {
          assertion = builtins.all isPublicKey u.keys;
          message = "paved.team.users.${name}.keys: entry ${
            lib.concatMapStringsSep ", " toString (lib.filter (i: !(isPublicKey (builtins.elemAt u.keys (i - 1)))) (lib.range 1 (builtins.length u.keys)))
          } is not an SSH public key line (never put a private key here; use the .pub file's contents).";
        }
        {
          assertion = builtins.all (g: builtins.elem g knownGroups) u.groups;
          message = "paved.team.users.${name} is in a group that paved.team.groups does not define (${
            lib.concatStringsSep ", " (builtins.filter (g: !(builtins.elem g knownGroups)) u.groups)
          }).";
        }
        {
          assertion = !(u.jumpOnly && builtins.elem "wheel" u.groups);
          message = "paved.team.users.${name} is jump-only and cannot also be in wheel.";
        }
      ]) cfg.users
    );
  };
}
