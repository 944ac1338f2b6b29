import { ejectRepository } from "@paved/platform";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/eject.ts";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const dryRun = options.dryRun;
  const result = await ejectRepository({ dir: ctx.dir, dryRun });
  const lines = result.ejected.length
    ? [
        `${dryRun ? "Would eject" : "Ejected"} ${result.ejected.length} file${result.ejected.length === 1 ? "" : "s"}:`,
        ...result.ejected.map((p) => `  ${p}${result.edited.includes(p) ? " (had hand edits; kept as they are)" : ""}`),
      ]
    : ["No generated files here: nothing to eject."];
  if (!dryRun && result.ejected.length)
    lines.push("", "paved no longer rewrites them; paved.yaml stays as a record. Commit the change.");
  return { data: { ...result, dryRun }, text: lines.join("\n") };
};
