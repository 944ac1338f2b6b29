import { ciInit } from "@paved/platform";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/ci-init.ts";
import { EXIT } from "../_exit-codes.ts";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const result = await ciInit({
    dir: ctx.dir,
    provider: options.provider,
    ...(options.nixVersion === undefined ? {} : { nixVersion: options.nixVersion }),
    dryRun: options.dryRun,
    force: options.force,
  });
  const lines: string[] = [];
  if (result.dryRun) lines.push(result.diff || "Nothing to change.", "", "Dry run: nothing was written.");
  else {
    for (const path of result.written) lines.push(`wrote ${path}`);
    if (result.written.length === 0) lines.push("Already up to date.");
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  for (const path of result.kept)
    lines.push(
      `kept ${path}: it was edited by hand (rerun with --force to overwrite, or edit paved.yaml's ci section)`,
    );
  if (!result.dryRun && result.written.length)
    lines.push("", "Commit the pipeline and paved.yaml; the first run shows each dev shell as its own job.");
  return { data: result, text: lines.join("\n"), exitCode: result.kept.length ? EXIT.attention : EXIT.ok };
};
