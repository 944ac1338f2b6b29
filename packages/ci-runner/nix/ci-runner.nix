# paved.ciRunner: a NixOS host that runs CI jobs (step 1 of paved).
#
# Targets nixos-26.05 (current stable) and evaluates on nixos-unstable. It only sets options of the
# upstream modules, checked against nixpkgs:
#   - services.github-runners.<name>: nixos/modules/services/continuous-integration/github-runner/options.nix
#     (url, tokenFile, ephemeral, replace, extraLabels, extraPackages, serviceOverrides, nodeRuntimes;
#     nodeRuntimes exists since 24.05 and is only set when paved.ciRunner.nodeRuntimes is not null).
#   - services.gitlab-runner: nixos/modules/services/continuous-integration/gitlab-runner/runner.nix
#     (services.<name>.authenticationTokenConfigFile, executor, limit, registrationFlags; settings, extraPackages).
#     Older releases keep the same options in continuous-integration/gitlab-runner.nix.
#   - nix.gc (services/misc/nix-gc.nix: automatic, dates, randomizedDelaySec, options) and nix.settings.
#     nix.gc.dates is a single calendar string on older releases and a list coerced from a string on
#     26.05/unstable; a string works on both. github-runners' nodeRuntimes accepts node20/node24 on 26.05
#     and unstable, and defaults to [ "node24" ] there (NixOS/nixpkgs#524856): Node.js 20 is end of life,
#     and nixpkgs marks it insecure, so asking for node20 may need nixpkgs.config.permittedInsecurePackages.
#   - unstable (26.11) adds githubApp, count and orgs to services.github-runners.<name>; paved keeps one
#     tokenFile runner per service (github-runner-NAME-i), which both releases accept.
#
# Tokens never enter the Nix store: tokenFile is the path of a file that exists only on the host
# (e.g. /run/secrets/ci-runner-token, placed by sops-nix, agenix or by hand, mode 0400). A literal token,
# a Nix path value (which Nix would copy into the world-readable store) or a /nix/store path is refused
# with a message that never repeats the value.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.paved.ciRunner;

  tokenPrefixes = [ "ghp_" "gho_" "ghu_" "ghs_" "ghr_" "github_pat_" "glrt-" "glpat-" "GR1348941" ];

  # Why a tokenFile value is unacceptable, or null. Messages name at most a token's kind prefix.
  tokenFileProblem =
    v:
    let
      prefixes = builtins.filter (p: lib.hasPrefix p v) tokenPrefixes;
    in
    if builtins.isPath v then
      "is a Nix path value; Nix would copy the file into the world-readable Nix store. Write the path as a quoted string, e.g. \"/run/secrets/ci-runner-token\"."
    else if !builtins.isString v then
      "must be a string: the absolute path of a file on the host."
    else if prefixes != [ ] then
      "looks like a literal token (${builtins.head prefixes}…), not a path. Put the token in a file on the host (mode 0400) and give that file's path; revoke the token if it was committed."
    else if !(lib.hasPrefix "/" v) then
      "must be an absolute path of a file on the host (the value is not shown in case it is a secret)."
    else if v == builtins.storeDir || lib.hasPrefix "${builtins.storeDir}/" v then
      "points into the Nix store, which every local user can read. Keep the token in a file outside the store, e.g. under /run/secrets."
    else
      null;

  problem = tokenFileProblem cfg.tokenFile;
  # Handed to the upstream modules: the path when it is acceptable, otherwise an error with the same message.
  tokenFile = if problem == null then cfg.tokenFile else throw "paved.ciRunner.tokenFile ${problem}";

  limits = lib.filterAttrs (_: v: v != null) {
    CPUQuota = cfg.limits.cpuQuota;
    MemoryMax = cfg.limits.memoryMax;
    TasksMax = cfg.limits.tasksMax;
  };

  indices = builtins.genList (i: i + 1) cfg.count;
  githubName = i: "${cfg.name}-${toString i}";
  # DynamicUser names systemd gives the upstream services (user = null); none of them may be trusted by Nix.
  runnerUsers =
    if cfg.provider == "github" then map (i: "github-runner-${githubName i}") indices else [ "gitlab-runner" ];
  trusted = config.nix.settings.trusted-users;

  githubRunners = lib.listToAttrs (
    map (
      i:
      lib.nameValuePair (githubName i) (
        {
          enable = true;
          inherit (cfg) url;
          inherit tokenFile;
          # One job per registration: every job starts from a clean runner and work directory.
          ephemeral = true;
          replace = true;
          extraLabels = cfg.labels;
          inherit (cfg) extraPackages;
          serviceOverrides = limits;
        }
        // lib.optionalAttrs (cfg.nodeRuntimes != null) { inherit (cfg) nodeRuntimes; }
      )
    ) indices
  );
in
{
  options.paved.ciRunner = {
    enable = lib.mkEnableOption "CI runners managed by paved";

    provider = mkOption {
      type = types.enum [ "github" "gitlab" ];
      description = "CI service the runners register with.";
    };

    url = mkOption {
      # Checked by an assertion below rather than by the type, whose error would print the value.
      type = types.str;
      example = "https://github.com/acme";
      description = "GitHub organisation or repository URL, or the GitLab instance URL.";
    };

    tokenFile = mkOption {
      # Any string or path is accepted here so that the checks below, not the type system, report a bad
      # value: the type system would print the value, and the value may be a token.
      type = types.either types.str types.path;
      example = "/run/secrets/ci-runner-token";
      description = ''
        Absolute path, as a string, of a file on the host holding the token. GitHub: a fine-grained PAT
        with "self-hosted runners: read and write" (needed for ephemeral runners). GitLab: an environment
        file with CI_SERVER_URL and CI_SERVER_TOKEN (a runner authentication token, glrt-…).
      '';
    };

    name = mkOption {
      type = types.strMatching "[A-Za-z0-9][A-Za-z0-9._-]*";
      default = config.networking.hostName;
      defaultText = lib.literalExpression "config.networking.hostName";
      description = "Runner name prefix; GitHub runners are named NAME-1 … NAME-N.";
    };

    count = mkOption {
      type = types.ints.between 1 64;
      default = 1;
      description = "Number of runners (GitHub: ephemeral runner services; GitLab: concurrent jobs).";
    };

    labels = mkOption {
      type = types.listOf types.str;
      default = [ "nixos" ];
      description = "GitHub runner labels (besides self-hosted, Linux, X64). GitLab runners created with authentication tokens get their tags in GitLab's UI.";
    };

    extraPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "Packages on the runners' PATH, typically the toolchains of the projects' dev shells.";
    };

    nodeRuntimes = mkOption {
      type = types.nullOr (types.nonEmptyListOf (types.enum [ "node20" "node24" ]));
      default = null;
      description = "Node.js runtimes for JavaScript actions (GitHub); null keeps the NixOS default.";
    };

    limits = {
      cpuQuota = mkOption {
        type = types.nullOr (types.strMatching "[0-9]+%");
        default = null;
        example = "200%";
        description = "systemd CPUQuota= per runner service (100% is one core); null for no limit.";
      };
      memoryMax = mkOption {
        type = types.nullOr (types.strMatching "[0-9]+([KMGT]|%)?");
        default = "75%";
        description = "systemd MemoryMax= per runner service; jobs beyond it are OOM-killed instead of the host.";
      };
      tasksMax = mkOption {
        type = types.nullOr types.ints.positive;
        default = 4096;
        description = "systemd TasksMax= per runner service (stops fork bombs in jobs).";
      };
    };

    gc = {
      dates = mkOption {
        type = types.str;
        default = "daily";
        description = "When the store is garbage-collected (systemd calendar event).";
      };
      options = mkOption {
        type = types.str;
        default = "--delete-older-than 7d";
        description = "Arguments of nix-collect-garbage on the timer.";
      };
    };
  };

  config = lib.mkMerge [
    {
      # GitLab runs at most `concurrent` jobs in total. Conditional at the leaf, so a host without GitLab
      # gives the freeform `settings` submodule an empty attribute set rather than a conditional one.
      services.gitlab-runner.settings.concurrent = lib.mkIf (cfg.enable && cfg.provider == "gitlab") cfg.count;
    }
    (lib.mkIf cfg.enable (lib.mkMerge [
      {
        assertions = [
          {
            assertion = problem == null;
            message = "paved.ciRunner.tokenFile ${toString problem}";
          }
          {
            # No user:token@ in the URL: it would end up in the store and in unit files.
            assertion = builtins.match "https://[A-Za-z0-9._~:/%+-]+" cfg.url != null;
            message = "paved.ciRunner.url must be a plain https URL without credentials, e.g. https://github.com/acme (the value is not shown).";
          }
          {
            # Trusted users can add substituters and import unsigned paths: a job could poison the store.
            assertion = !(builtins.elem "*" trusted) && builtins.all (u: !(builtins.elem u trusted)) runnerUsers;
            message = "paved.ciRunner: nix.settings.trusted-users must not contain \"*\" or the runner users (${lib.concatStringsSep ", " runnerUsers}); CI jobs run untrusted code.";
          }
        ];

        nix.settings = {
          # The runners must be allowed to use the daemon (paved's baseline narrows allowed-users to root and
          # @wheel). At mkDefault it adds to such a list; on a host without one it replaces NixOS' "*".
          allowed-users = lib.mkDefault (runnerUsers ++ [ "@wheel" ]);
          experimental-features = [ "nix-command" "flakes" ];
          # A pull request's flake must not change the host's Nix settings (substituters, keys).
          accept-flake-config = false;
          sandbox = true;
          # Collect garbage while jobs run when the disk gets full, not only on the timer.
          min-free = lib.mkDefault (5 * 1024 * 1024 * 1024);
          max-free = lib.mkDefault (20 * 1024 * 1024 * 1024);
        };

        nix.gc = {
          automatic = true;
          inherit (cfg.gc) dates options;
          randomizedDelaySec = "30min";
        };
      }

      (lib.mkIf (cfg.provider == "github") { services.github-runners = githubRunners; })

      (lib.mkIf (cfg.provider == "gitlab") {
        services.gitlab-runner = {
          enable = true;
          # The shell executor runs jobs with the host's Nix; git and nix must be on the runner's PATH.
          extraPackages = [ config.nix.package pkgs.git ] ++ cfg.extraPackages;
          services.${cfg.name} = {
            authenticationTokenConfigFile = tokenFile;
            executor = "shell";
            limit = cfg.count;
            registrationFlags = [ "--url" cfg.url ];
          };
        };
        systemd.services.gitlab-runner.serviceConfig = limits;
      })
    ]))
  ];
}
