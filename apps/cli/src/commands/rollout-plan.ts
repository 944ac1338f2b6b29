import { formatBytes, planRollout } from "@paved/rollout";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/rollout-plan.ts";
import { EXIT } from "../_exit-codes.ts";
import { overrideInputs, selection } from "./_rollout.ts";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const plans = await planRollout({
    dir: ctx.dir,
    select: selection(options),
    signal: ctx.signal,
    onProgress: ctx.progress,
    nixArgs: overrideInputs(options.overrideInput),
  });
  const lines: string[] = [];
  for (const plan of plans) {
    lines.push(`${plan.host} (${plan.address})`);
    if (plan.error) {
      lines.push(`  ! ${plan.error}`);
      continue;
    }
    lines.push(`  now:    generation ${plan.current.generation ?? "?"} ${plan.current.path}`);
    lines.push(`  deploy: ${plan.target}${plan.changed ? "" : " (already running; nothing to do)"}`);
    if (!plan.diff) continue;
    for (const p of plan.diff.added) lines.push(`  + ${p.name} ${p.after.join(", ")}`);
    for (const p of plan.diff.removed) lines.push(`  - ${p.name} ${p.before.join(", ")}`);
    for (const p of plan.diff.changed) lines.push(`  ~ ${p.name} ${p.before.join(", ")} → ${p.after.join(", ")}`);
    if (plan.closureSize.delta !== undefined) lines.push(`  closure size: ${formatBytes(plan.closureSize.delta)}`);
  }
  const failed = plans.some((p) => p.error);
  return { data: { hosts: plans }, text: lines.join("\n"), exitCode: failed ? EXIT.failed : EXIT.ok };
};
