import { githubExpressions } from "@paved/core";
import { ACTIONS, nixInstallUrl, usesRef, type ActionPin } from "./_pins.ts";
import { inDevShell, type CiPlan, type ShellJob } from "./_plan.ts";
import { pushShellScript, SIGNING_KEY_ENV } from "./_team-cache.ts";
import { toYaml, type YamlComments } from "./_yaml.ts";

export const GITHUB_WORKFLOW_PATH = ".github/workflows/nix.yml";

type Step = Record<string, unknown>;

/** `uses:` with the SHA, and the release named in a comment next to it (added by toYaml). */
function uses(pin: ActionPin, comments: YamlComments, extra: Step = {}): Step {
  comments.set(usesRef(pin), pin.version);
  const { name, ...rest } = extra;
  return { ...(name === undefined ? {} : { name }), uses: usesRef(pin), ...rest };
}

const ON_PUSH = "github.event_name == 'push'";

function nixSetup(plan: CiPlan, cacheKey: string, comments: YamlComments): Step[] {
  // Self-hosted NixOS runners (paved's ci-runner hosts) already have Nix and keep their store between jobs; their
  // host configuration already substitutes from the team cache.
  if (plan.selfHosted?.hasNix) return [];
  const steps: Step[] = [
    uses(ACTIONS.installNix, comments, {
      name: `Install Nix ${plan.nixVersion}`,
      with: {
        install_url: nixInstallUrl(plan.nixVersion),
        // The job's own read-only token: avoids GitHub API rate limits when fetching github: flake inputs.
        github_access_token: "${{ github.token }}",
        // The team cache: substitute from it (its key trusted) next to cache.nixos.org.
        ...(plan.teamCache ? { extra_nix_config: `${plan.teamCache.nixConf.join("\n")}\n` } : {}),
      },
    }),
  ];
  // With a team cache, Nix paths come from it: the repository's 10 GB Actions cache is left alone.
  if (plan.teamCache) return steps;
  if (plan.cache.kind === "ci") {
    steps.push(
      uses(ACTIONS.cacheNix, comments, {
        name: "Restore the Nix store (saved only by pushes to the listed branches)",
        with: {
          "primary-key": `nix-${cacheKey}-\${{ runner.os }}-\${{ runner.arch }}-\${{ hashFiles('flake.lock', '**/*.nix') }}`,
          "restore-prefixes-first-match": `nix-${cacheKey}-\${{ runner.os }}-\${{ runner.arch }}-`,
          // Pull requests (forks included) restore but never save, so nothing they build can reach main's cache.
          save: `\${{ ${ON_PUSH} }}`,
          "gc-max-store-size-linux": "5G",
        },
      }),
    );
  } else if (plan.cache.kind === "cachix" && plan.cache.name) {
    const secret = plan.cache.tokenSecret ?? "CACHIX_AUTH_TOKEN";
    steps.push(
      uses(ACTIONS.cachix, comments, {
        name: `Use the ${plan.cache.name} Cachix cache (push only from pushes to the listed branches)`,
        with: {
          name: plan.cache.name,
          // Forks get no secrets from GitHub; on pull requests the token is not even passed.
          authToken: `\${{ ${ON_PUSH} && secrets.${secret} || '' }}`,
          skipPush: `\${{ github.event_name != 'push' }}`,
        },
      }),
    );
  }
  return steps;
}

function checkout(comments: YamlComments): Step {
  // No credentials left in .git/config: later steps (the project's own tests) cannot push with the job token.
  return uses(ACTIONS.checkout, comments, { with: { "persist-credentials": false } });
}

function runsOn(plan: CiPlan): string | string[] {
  return plan.selfHosted ? ["self-hosted", ...plan.selfHosted.labels] : "ubuntu-24.04";
}

/**
 * One `run:` step. `${{ … }}` expressions never stay in the script, where GitHub would paste their values in as
 * code: each becomes an environment variable of the step, as GitHub's hardening guide shows. (Expressions of
 * what an outsider writes — titles, bodies, branch names — were already refused by paved.yaml's schema.)
 */
function commandStep(shell: string, command: string, workingDirectory: Step): Step {
  const env: Record<string, string> = {};
  let script = "";
  let at = 0;
  for (const expression of githubExpressions(command)) {
    const name = `PAVED_EXPR_${Object.keys(env).length + 1}`;
    env[name] = `\${{ ${expression.body} }}`;
    script += `${command.slice(at, expression.start)}\${${name}}`;
    at = expression.end;
  }
  script += command.slice(at);
  return {
    name: script,
    ...workingDirectory,
    ...(Object.keys(env).length ? { env } : {}),
    run: inDevShell(shell, script),
  };
}

function shellJob(plan: CiPlan, job: ShellJob, comments: YamlComments): Record<string, unknown> {
  const workingDirectory = job.dir ? { "working-directory": job.dir } : {};
  const commands = job.commands.length ? job.commands : ["true"];
  return {
    name: `${job.shell}: nix develop .#${job.shell}`,
    "runs-on": runsOn(plan),
    "timeout-minutes": plan.timeoutMinutes,
    steps: [
      checkout(comments),
      ...nixSetup(plan, `shell-${job.shell}`, comments),
      { name: `Build the ${job.shell} dev shell`, run: inDevShell(job.shell, "true") },
      ...commands.filter((c) => c !== "true").map((command) => commandStep(job.shell, command, workingDirectory)),
      ...pushStep(plan, job.shell),
    ],
  };
}

/** Pushes to the listed branches copy the shell's closure to the team cache; pull requests never get the secrets. */
function pushStep(plan: CiPlan, shell: string): Step[] {
  const cache = plan.teamCache;
  if (!cache?.pushTo) return [];
  const env: Record<string, string> = {};
  if (cache.signingKeySecret) env[SIGNING_KEY_ENV] = `\${{ secrets.${cache.signingKeySecret} }}`;
  for (const [name, secret] of Object.entries(cache.env)) env[name] = `\${{ secrets.${secret} }}`;
  return [
    {
      name: `Push the ${shell} shell to the team cache`,
      if: ON_PUSH,
      ...(Object.keys(env).length ? { env } : {}),
      run: pushShellScript(cache, shell, "$RUNNER_TEMP").join("\n"),
    },
  ];
}

/** The workflow as a plain object tree plus the comments to attach; toYaml turns it into the file. */
export function githubWorkflow(plan: CiPlan): { tree: Record<string, unknown>; comments: YamlComments } {
  const comments: YamlComments = new Map();
  const jobs: Record<string, unknown> = {
    "flake-check": {
      name: "nix flake check",
      "runs-on": runsOn(plan),
      "timeout-minutes": plan.timeoutMinutes,
      steps: [
        checkout(comments),
        ...nixSetup(plan, "flake-check", comments),
        { name: "nix flake check", run: "nix flake check -L" },
      ],
    },
  };
  for (const job of plan.jobs) jobs[`shell-${job.shell}`] = shellJob(plan, job, comments);
  const tree = {
    name: "nix",
    on: {
      push: { branches: plan.branches },
      // pull_request (never pull_request_target): fork PRs run with a read-only token and no secrets.
      pull_request: null,
      merge_group: null,
      workflow_dispatch: null,
    },
    permissions: { contents: "read" },
    concurrency: {
      group: "${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}",
      "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    },
    defaults: { run: { shell: "bash" } },
    jobs,
  };
  return { tree, comments };
}

function cacheNote(plan: CiPlan): string {
  if (plan.teamCache)
    return plan.teamCache.pushTo
      ? "Cache: the team binary cache (paved.yaml cache:). Jobs substitute from it; pushes to the listed branches push the dev shells, with credentials from repository secrets."
      : "Cache: the team binary cache (paved.yaml cache:), read-only here.";
  if (plan.selfHosted?.hasNix)
    return "Self-hosted NixOS runners: Nix is preinstalled and the store persists on the host, so no install and no cache step.";
  if (plan.cache.kind === "ci")
    return [
      "Cache: the Nix store is kept in the GitHub Actions cache (nix-community/cache-nix-action): no account or",
      "secret needed, entries are scoped per branch by GitHub, and only pushes to the listed branches save;",
      "pull requests, forks included, restore only.",
    ].join("\n");
  if (plan.cache.kind === "cachix")
    return "Cache: Cachix. Pushes to the listed branches push with the token secret; pull requests (and forks, which get no secrets) only pull.";
  return "Cache: none (ci.cache.kind: none).";
}

export function renderGithubWorkflow(plan: CiPlan): string {
  const { tree, comments } = githubWorkflow(plan);
  const header = [
    "Runs the project's checks inside its Nix dev shells: nix flake check, then one job per dev shell.",
    plan.selfHosted?.hasNix
      ? "Nix comes from the self-hosted NixOS runners; actions are pinned by commit SHA (release in the comment)."
      : `Nix ${plan.nixVersion} is pinned; actions are pinned by commit SHA (release in the comment).`,
    cacheNote(plan),
    "Permissions: contents: read only; superseded pull request runs are cancelled.",
  ].join("\n");
  return toYaml(tree, { header, inlineComments: comments });
}
