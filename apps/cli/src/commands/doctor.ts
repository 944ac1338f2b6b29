import { doctor } from "@paved/core";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/doctor.ts";
import { EXIT } from "../_exit-codes.ts";
import { paint } from "../_output.ts";

export const run: Handler<typeof spec> = async (ctx) => {
  const report = await doctor({ dir: ctx.dir });
  const c = paint(ctx.color);
  const mark = { ok: c.green("✓"), warn: c.yellow("!"), fail: c.red("✗"), skip: c.dim("-") };
  const lines = report.checks.map((check) => {
    const line = `${mark[check.status]} ${check.title}: ${check.detail}`;
    return check.fix && check.status !== "ok" ? `${line}\n    fix: ${check.fix}` : line;
  });
  lines.push("", report.ok ? "Ready." : "Fix the failures above, then run `paved doctor` again.");
  return { data: report, text: lines.join("\n"), exitCode: report.ok ? EXIT.ok : EXIT.failed };
};
