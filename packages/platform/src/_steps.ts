/**
 * The five steps of the path in one table: what each is called, which package owns it, what proves it done, and
 * the files it renders. Platform files, status, the report and the docs all read this table, so a step is
 * described once.
 */
import type { GeneratedFile, PavedConfig, StepNumber } from "@paved/core";
import { hostFile } from "@paved/core";
import { renderRoleHost, renderTeamFile, ROLE_HOST_ROLES } from "@paved/baseline";
import { renderCiFiles, renderRunnerHost } from "@paved/ci-runner";
import { ENVRC_FILE, renderDevshellFiles, renderEnvrc } from "@paved/devshell";

export interface StepDefinition {
  step: StepNumber;
  title: string;
  /** The package that renders the step's files and judges its state. */
  owner: "@paved/ci-runner" | "@paved/devshell" | "@paved/baseline" | "@paved/rollout";
  /** What proves the step done (never what paved.yaml merely asks for). */
  evidence: string;
  /** Files the step renders into the platform repository from paved.yaml. */
  platformFiles: (root: string, config: PavedConfig) => Promise<GeneratedFile[]>;
  /** Files the step renders into an application repository. */
  appFiles: (root: string, config: PavedConfig) => GeneratedFile[];
}

const isRoleHost = (role: string) => (ROLE_HOST_ROLES as readonly string[]).includes(role);

export const STEPS: readonly StepDefinition[] = [
  {
    step: 1,
    title: "CI on Nix",
    owner: "@paved/ci-runner",
    evidence:
      "each listed repository's pipeline builds with Nix (its generated CI file is present and intact); runner hosts evaluate",
    platformFiles: async (root, config) => [
      ...Object.entries(config.hosts)
        .filter(([, h]) => !isRoleHost(h.role))
        .map(([name, host]) => ({
          path: hostFile(name),
          content: renderRunnerHost(name, host, config),
          source: "paved.yaml",
        })),
      ...(config.ci ? renderCiFiles(root, config) : []),
    ],
    appFiles: (root, config) => renderCiFiles(root, config),
  },
  {
    step: 2,
    title: "Developer shells",
    owner: "@paved/devshell",
    evidence: "each listed repository has a paved dev shell whose flake evaluates",
    // The platform flake's devShells.default (nixfmt, git, openssh, jq), loaded on cd like an application's shell.
    platformFiles: async () => [{ path: ENVRC_FILE, content: renderEnvrc(), source: "paved.yaml" }],
    appFiles: (root, config) => renderDevshellFiles(root, config),
  },
  {
    step: 3,
    title: "Non-critical roles on NixOS",
    owner: "@paved/baseline",
    evidence:
      "the evaluated NixOS configuration of a bastion/staging/internal host has hardened sshd and the firewall on",
    platformFiles: async (_root, config) =>
      Object.entries(config.hosts)
        .filter(([, h]) => isRoleHost(h.role))
        .map(([name, host]) => renderRoleHost(name, host, config)),
    appFiles: () => [],
  },
  {
    step: 4,
    title: "Reusable NixOS modules",
    owner: "@paved/baseline",
    evidence:
      "every host's evaluated configuration has the roster's users and the logging/monitoring its role asks for",
    platformFiles: async (root, config) => {
      const team = await renderTeamFile(config, root);
      return team ? [team] : [];
    },
    appFiles: () => [],
  },
  {
    step: 5,
    title: "Image-based rollouts",
    owner: "@paved/rollout",
    evidence: "a rollout journal records each host deployed",
    platformFiles: async () => [],
    appFiles: () => [],
  },
];

export const STEP_TITLES = Object.fromEntries(STEPS.map((s) => [s.step, s.title])) as Record<StepNumber, string>;
