import { formatPlanDiff, unifiedDiff } from "@paved/core";
import type { PlatformChange } from "@paved/baseline";
import type { HostReadiness } from "@paved/platform";
import type { CommandOutput } from "../_context.ts";
import { EXIT } from "../_exit-codes.ts";

/** What host add / team add / team remove print: the diff on --dry-run, else what was written and kept. */
export function platformOutput(change: PlatformChange, done: string): CommandOutput {
  const data = {
    dryRun: change.dryRun,
    configChanged: change.configBefore !== change.configAfter,
    written: change.written,
    kept: change.kept,
    files: change.files.map((f) => ({ path: f.path, status: f.status })),
  };
  if (change.dryRun) {
    const config = unifiedDiff("paved.yaml", change.configBefore, change.configAfter);
    return {
      data: { ...data, diff: `${config}${formatPlanDiff(change.files)}` },
      text: `${config}${formatPlanDiff(change.files)}\n(dry run: nothing written)`,
    };
  }
  const lines = [done, ...change.written.map((p) => `  wrote ${p}`)];
  if (change.kept.length)
    lines.push(...change.kept.map((p) => `  kept ${p} (edited by hand; rerun with --force to replace it)`));
  return { data, text: lines.join("\n"), exitCode: change.kept.length ? EXIT.attention : EXIT.ok };
}

/** What a new host still needs before its first deploy, then how to deploy it. */
export function readinessText(readiness: HostReadiness | undefined): string {
  if (!readiness) return "";
  const deploy = `paved rollout apply --host ${readiness.host}`;
  if (readiness.needed.length === 0) return `\nReady to deploy: commit, then \`${deploy}\`.`;
  return [
    `\nBefore ${readiness.host} can be deployed:`,
    ...readiness.needed.map((n) => `  - ${n}`),
    `Then commit and deploy with \`${deploy}\`.`,
  ].join("\n");
}
