import { nixImage } from "./_pins.ts";
import { shellQuote } from "@paved/core";
import { inDevShell, type CiPlan, type ShellJob } from "./_plan.ts";
import { pushShellScript, SIGNING_KEY_ENV } from "./_team-cache.ts";
import { toYaml } from "./_yaml.ts";

export const GITLAB_CI_PATH = ".gitlab-ci.yml";

const CACHE_DIR = ".nix-cache";

/**
 * GitLab has no "install Nix" step: jobs on shared runners use the official nixos/nix image at the pinned
 * version; jobs on paved's self-hosted NixOS runners (shell executor, selected by tags) use the host's Nix.
 */
function nixTemplate(plan: CiPlan): Record<string, unknown> {
  const base: Record<string, unknown> = { interruptible: true, timeout: `${plan.timeoutMinutes} minutes` };
  if (plan.selfHosted) base.tags = plan.selfHosted.labels;
  if (plan.selfHosted?.hasNix) return base;
  const beforeScript = ['echo "experimental-features = nix-command flakes" >> /etc/nix/nix.conf'];
  if (plan.teamCache) {
    // The team cache replaces GitLab's cache for Nix paths.
    beforeScript.push(...plan.teamCache.nixConf.map((line) => `echo ${shellQuote(line)} >> /etc/nix/nix.conf`));
  } else if (plan.cache.kind === "ci") {
    // A local binary cache inside the project dir is what GitLab's cache can carry between jobs. It is trusted
    // without signatures because only default-branch pipelines write it (NIX_CACHE_POLICY below) and GitLab keeps
    // protected and unprotected branches' caches apart by default.
    beforeScript.push(
      `mkdir -p ${CACHE_DIR}`,
      `echo "extra-substituters = file://$CI_PROJECT_DIR/${CACHE_DIR}?trusted=1" >> /etc/nix/nix.conf`,
    );
    base.cache = {
      key: { files: ["flake.lock"], prefix: "nix-$CI_JOB_NAME" },
      paths: [`${CACHE_DIR}/`],
      policy: "$NIX_CACHE_POLICY",
    };
  } else if (plan.cache.kind === "cachix" && plan.cache.name) {
    // --inputs-from .: cachix from the project's own pinned nixpkgs, not whatever the registry points at.
    beforeScript.push(`nix run --inputs-from . nixpkgs#cachix -- use ${shellQuote(plan.cache.name)}`);
  }
  return { image: nixImage(plan.nixVersion), ...base, before_script: beforeScript };
}

/** After the commands succeed on the default branch: keep the dev shell's closure in the cache. */
function saveShell(plan: CiPlan, shell: string): string[] {
  if (plan.teamCache) return pushTeamCache(plan, shell);
  if (plan.selfHosted?.hasNix || plan.cache.kind === "none") return [];
  const profile = `.nix-profile-${shell}`;
  const keep = `nix develop .#${shell} --profile ${profile} -c true`;
  if (plan.cache.kind === "ci") {
    return [
      `if [ "$NIX_CACHE_POLICY" = pull-push ]; then ${keep} && nix copy --to "file://$CI_PROJECT_DIR/${CACHE_DIR}" ./${profile}; fi`,
    ];
  }
  const secret = plan.cache.tokenSecret ?? "CACHIX_AUTH_TOKEN";
  // Protected variables only reach protected branches; merge requests (and forks) never see the token.
  const env = secret === "CACHIX_AUTH_TOKEN" ? "" : `CACHIX_AUTH_TOKEN="$${secret}" `;
  return [
    `if [ "$NIX_CACHE_POLICY" = pull-push ] && [ -n "\${${secret}:-}" ]; then ${keep} && ${env}nix run --inputs-from . nixpkgs#cachix -- push ${shellQuote(plan.cache.name ?? "")} ./${profile}; fi`,
  ];
}

/**
 * Pipelines on the listed branches push the shell's closure to the team cache. Secrets are protected CI/CD
 * variables (only protected branches see them); the script maps them to the names Nix reads.
 */
function pushTeamCache(plan: CiPlan, shell: string): string[] {
  const cache = plan.teamCache!;
  if (!cache.pushTo) return [];
  const exports = [
    ...(cache.signingKeySecret ? [`export ${SIGNING_KEY_ENV}="$${cache.signingKeySecret}"`] : []),
    ...Object.entries(cache.env).map(([name, secret]) => `export ${name}="$${secret}"`),
  ];
  const body = [...exports, ...pushShellScript(cache, shell, "$CI_PROJECT_DIR")].join("; ");
  // A subshell: the trap and the exported credentials end with the push.
  return [`if [ "$NIX_CACHE_POLICY" = pull-push ]; then (${body}); fi`];
}

function shellJob(plan: CiPlan, job: ShellJob): Record<string, unknown> {
  const commands = job.commands.filter((c) => c !== "true");
  const cd = job.dir ? [`cd ${shellQuote(job.dir)}`] : [];
  const back = job.dir ? ['cd "$CI_PROJECT_DIR"'] : [];
  return {
    extends: ".nix",
    stage: "test",
    needs: [],
    script: [
      inDevShell(job.shell, "true"),
      ...cd,
      ...commands.map((c) => inDevShell(job.shell, c)),
      ...back,
      ...saveShell(plan, job.shell),
    ],
  };
}

export function gitlabPipeline(plan: CiPlan): Record<string, unknown> {
  const tree: Record<string, unknown> = {
    workflow: {
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
        // A branch with an open merge request runs once, as the merge request pipeline.
        { if: "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", when: "never" },
        ...plan.branches.map((branch) => ({
          if: `$CI_COMMIT_BRANCH == "${branch}"`,
          variables: { NIX_CACHE_POLICY: "pull-push" },
        })),
        { if: "$CI_COMMIT_BRANCH" },
      ],
      auto_cancel: { on_new_commit: "interruptible" },
    },
    stages: ["check", "test"],
    variables: { NIX_CACHE_POLICY: "pull" },
    ".nix": nixTemplate(plan),
    "flake-check": { extends: ".nix", stage: "check", script: ["nix flake check -L"] },
  };
  for (const job of plan.jobs) tree[`shell-${job.shell}`] = shellJob(plan, job);
  return tree;
}

function cacheNote(plan: CiPlan): string {
  if (plan.teamCache)
    return plan.teamCache.pushTo
      ? "Cache: the team binary cache (paved.yaml cache:). Jobs substitute from it; pipelines on the listed branches push the dev shells, with protected CI/CD variables."
      : "Cache: the team binary cache (paved.yaml cache:), read-only here.";
  if (plan.selfHosted?.hasNix)
    return "Self-hosted NixOS runners (tags): Nix is preinstalled and the store persists on the host, so no image and no cache.";
  if (plan.cache.kind === "ci")
    return [
      "Cache: a file:// binary cache in .nix-cache carried by GitLab's cache (no external service). Only pipelines on",
      "the listed branches write it (policy pull-push); merge requests, forks included, only pull.",
    ].join("\n");
  if (plan.cache.kind === "cachix")
    return "Cache: Cachix; only the listed branches push, with a protected variable merge requests never get.";
  return "Cache: none (ci.cache.kind: none).";
}

export function renderGitlabCi(plan: CiPlan): string {
  const header = [
    "Runs the project's checks inside its Nix dev shells: nix flake check, then one job per dev shell.",
    plan.selfHosted?.hasNix
      ? "Nix comes from the self-hosted NixOS runners (selected by tags)."
      : `Nix ${plan.nixVersion} is pinned through the nixos/nix image tag.`,
    cacheNote(plan),
    "Jobs are interruptible: a new commit cancels the superseded pipeline.",
  ].join("\n");
  return toYaml(gitlabPipeline(plan), { header });
}
