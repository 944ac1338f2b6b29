import type { Handler } from "../_define.ts";
import type { spec } from "../defs/plan.ts";
import { EXIT } from "../_exit-codes.ts";
import { paint } from "../_output.ts";
import { actionLine, migrationPlan } from "@paved/platform";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const result = await migrationPlan({
    dir: ctx.dir,
    write: options.write,
    dryRun: options.dryRun,
    force: options.force,
  });
  const c = paint(ctx.color);
  const { status, actions, file } = result;
  const lines = [c.bold(`Plan for ${status.platform.name}, in path order:`)];
  const problems = status.problems.filter((p) => p.kind !== "step-unavailable");
  if (problems.length || status.drift.length) {
    lines.push("", c.yellow("first, needs a person:"));
    for (const p of problems) lines.push(`  ✗ ${p.message}${p.fix ? ` → ${p.fix}` : ""}`);
    for (const d of status.drift) lines.push(`  ! ${d.subject}: ${d.message}${d.fix ? ` → ${d.fix}` : ""}`);
  }
  for (const step of status.steps) {
    const mine = actions.filter((a) => a.step === step.step);
    if (mine.length === 0) continue;
    lines.push("");
    for (const a of mine)
      lines.push(
        `step ${a.step}: ${actionLine(a)}${a.derived ? c.dim("  (quick check: this step's own status is not in this build)") : ""}`,
      );
  }
  if (actions.length === 0) lines.push("", "Nothing left to do: every step is done.");
  lines.push("");
  if (file.written) lines.push(`Wrote ${file.path}: commit it to track the migration.`);
  else if (file.status === "unchanged") lines.push(`${file.path} is up to date.`);
  else if (file.status === "edited" || file.status === "foreign")
    lines.push(c.yellow(`Kept ${file.path}: it was edited by hand (--force to overwrite).`));
  else if (file.diff) lines.push(file.diff);
  else if (file.reason) lines.push(`${file.path} ${file.reason}.`);
  const kept = file.status === "edited" || file.status === "foreign";
  return { data: result, text: lines.join("\n"), exitCode: status.attention || kept ? EXIT.attention : EXIT.ok };
};
