/**
 * Where each step's status comes from. Step packages may not import each other, so the CLI composes them here.
 * A step whose package has no status function in this build is listed with the reason, and `paved status`
 * reports it as unknown instead of guessing.
 */
import { loadConfig, type StepNumber, type StepReport, type StepState } from "@paved/core";
import { baselineStatus } from "@paved/baseline";
import { ciStatus, repoCiStatus } from "@paved/ci-runner";
import { devshellStatus } from "@paved/devshell";
import { rolloutStatus } from "@paved/rollout";
import { evaluateHosts } from "./_evaluate.ts";
import { readJournals } from "./_journals.ts";
import { hardwareDrift, proveSteps } from "./_proof.ts";
import type { JournalRead } from "./_types.ts";

export interface RepoStepSource {
  step: StepNumber;
  /** Status of one application repository; undefined when this build has none. */
  run?: (options: { dir: string; subject: string }) => Promise<StepReport>;
  missing?: string;
}

export interface PlatformRunOptions {
  dir: string;
  /** Extra flake arguments for evaluating the hosts (e.g. --override-input nixpkgs path:…). */
  nixArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface PlatformStepSource {
  steps: StepNumber[];
  /** Reports for `steps`, read from the platform repository. */
  run?: (options: PlatformRunOptions) => Promise<StepReport[]>;
  /** One repository's state for these steps, for the report's repository table. */
  perRepo?: (path: string) => Promise<StepState>;
  missing?: string;
}

export interface StatusSources {
  repo: RepoStepSource[];
  platform: PlatformStepSource[];
  /** Reads every rollout journal of the platform repository; undefined when this build cannot. */
  journals?: (dir: string) => Promise<JournalRead>;
}

/** The sources compiled into this build. */
export const sources: StatusSources = {
  repo: [{ step: 2, run: devshellStatus }],
  platform: [
    // ciStatus reads the platform repository and every repository it lists, and the runner hosts.
    {
      steps: [1],
      run: async ({ dir }) => {
        const report = await ciStatus({ dir });
        // Runner hosts need real hardware like every other host.
        const { config } = await loadConfig(dir);
        const runners = Object.entries(config.hosts)
          .filter(([, h]) => h.role === "ci-runner")
          .map(([n]) => n);
        return [{ ...report, drift: [...report.drift, ...(await hardwareDrift(dir, config, runners))] }];
      },
      perRepo: async (path) => (["paved", "nix"].includes((await repoCiStatus(path)).ci) ? "done" : "not-started"),
    },
    // Steps 3 and 4: what the files say (baseline), then what one evaluation of every host proves.
    {
      steps: [3, 4],
      run: async ({ dir, nixArgs, env }) => {
        const { config } = await loadConfig(dir);
        const evaluation = await evaluateHosts(dir, { ...(nixArgs ? { nixArgs } : {}), ...(env ? { env } : {}) });
        return proveSteps(dir, config, evaluation, await baselineStatus({ dir }));
      },
    },
    // Every declared host is part of the fleet, so one that no rollout reached is drift once rollouts exist.
    // rolloutStatus takes the fleet from paved.yaml: a declared host no rollout reached is drift once rollouts exist.
    { steps: [5], run: async ({ dir }) => [await rolloutStatus({ dir })] },
  ],
  journals: readJournals,
};
