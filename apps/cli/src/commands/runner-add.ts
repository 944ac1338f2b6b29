import { PavedError } from "@paved/core";
import { runnerAdd } from "@paved/platform";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/runner-add.ts";
import { EXIT } from "../_exit-codes.ts";
import { readinessText } from "./_platform-output.ts";

export const run: Handler<typeof spec> = async (ctx, { args, options }) => {
  const count = Number(options.count);
  if (!Number.isInteger(count))
    throw new PavedError("E_USAGE", "--count must be a whole number", { hint: "e.g. --count 4" });
  const labels =
    options.labels !== undefined
      ? options.labels
          .split(",")
          .map((l) => l.trim())
          .filter(Boolean)
      : [];
  const result = await runnerAdd({
    dir: ctx.dir,
    name: args.name,
    provider: options.provider,
    url: options.url,
    tokenFile: options.tokenFile,
    count,
    labels,
    dryRun: options.dryRun,
    force: options.force,
  });
  const lines: string[] = [];
  if (result.dryRun) lines.push(result.diff || "Nothing to change.", "", "Dry run: nothing was written.");
  else for (const path of result.written) lines.push(`wrote ${path}`);
  for (const path of result.kept) lines.push(`kept ${path}: it was edited by hand (rerun with --force to overwrite)`);
  if (!result.dryRun) {
    lines.push("", `Put the token in ${result.host.runner!.tokenFile} on ${result.name} (mode 0400, owned by root).`);
    lines.push(readinessText(result.readiness).replace(/^\n/, ""));
  }
  return { data: result, text: lines.join("\n"), exitCode: result.kept.length ? EXIT.attention : EXIT.ok };
};
