/**
 * Next actions for a step whose package cannot report in this build: facts read straight from paved.yaml files
 * (is there one, does it have a ci section, is there a bastion), marked `derived` so nobody mistakes them for the
 * step's own judgement.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, loadConfig, type StepNumber } from "@paved/core";
import type { PlanAction, RolloutSummary } from "./_types.ts";
import type { Workspace } from "./_workspace.ts";

async function repoConfig(path: string) {
  if (!existsSync(join(path, CONFIG_FILE))) return undefined;
  return loadConfig(path).then(
    (l) => l.config,
    () => undefined,
  );
}

export async function derivedActions(
  ws: Workspace,
  step: StepNumber,
  rollouts: RolloutSummary[],
): Promise<PlanAction[]> {
  const actions: PlanAction[] = [];
  const push = (a: Omit<PlanAction, "step" | "derived">) => actions.push({ step, derived: true, ...a });
  const repos = ws.repos.filter((r) => r.readable);
  if (step === 1) {
    for (const repo of repos) {
      const config = await repoConfig(repo.path);
      if (config && !config.ci)
        push({
          subject: repo.name,
          title: `${repo.name} has no CI on Nix yet`,
          command: `paved ci init --dir ${repo.entry} --provider github`,
        });
    }
  } else if (step === 2) {
    for (const repo of repos) {
      if (!existsSync(join(repo.path, CONFIG_FILE)))
        push({ subject: repo.name, title: `${repo.name} has no dev shell`, command: `paved init --dir ${repo.entry}` });
    }
  } else if (step === 3) {
    if (!ws.hosts.some((h) => h.role === "bastion"))
      push({
        title: "Move a first non-critical role to NixOS: a bastion",
        command: "paved host add bastion-1 --role bastion",
      });
  } else if (step === 5) {
    if (ws.hosts.length > 0 && rollouts.length === 0)
      push({ title: "Roll the hosts out in waves with health checks", command: "paved rollout plan" });
  }
  return actions;
}
