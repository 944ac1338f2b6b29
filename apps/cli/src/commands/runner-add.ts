import { PavedError } from "@paved/core";
import type { CiProvider } from "@paved/ci-runner";
import { runnerAdd } from "@paved/platform";
import type { CommandHandler } from "../_context.ts";
import { EXIT } from "../_exit-codes.ts";
import { readinessText } from "./_platform-output.ts";

export const run: CommandHandler = async (ctx, args, options) => {
  const count = Number(options.count ?? "1");
  if (!Number.isInteger(count)) throw new PavedError("E_USAGE", "--count must be a whole number", { hint: "e.g. --count 4" });
  const labels = typeof options.labels === "string" ? options.labels.split(",").map((l) => l.trim()).filter(Boolean) : [];
  const result = await runnerAdd({
    dir: ctx.dir,
    name: args[0] ?? "",
    provider: options.provider as CiProvider,
    url: String(options.url),
    tokenFile: String(options.tokenFile),
    count,
    labels,
    dryRun: options.dryRun === true,
    force: options.force === true,
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
