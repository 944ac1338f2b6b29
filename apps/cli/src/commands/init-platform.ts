import { PavedError } from "@paved/core";
import type { CommandHandler } from "../_context.ts";
import { EXIT } from "../_exit-codes.ts";
import { initPlatform, type PlatformInitResult } from "@paved/platform";

function repoList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(",")).map((v) => v.trim()).filter(Boolean);
  return items;
}

export function describeInit(result: PlatformInitResult): string[] {
  const verb = (status: string) =>
    ({ create: "create", update: "update", unchanged: "unchanged", completed: "complete", kept: "keep (already there)", edited: "keep (edited by hand; --force to overwrite)", foreign: "keep (not written by paved; --force to overwrite)" })[status] ?? status;
  const lines = [result.dryRun ? "Would write:" : "Files:"];
  if (result.gitInit) lines.push(`  ${result.dryRun ? "would run" : "ran"} git init (Nix reads flakes through git; commit this repository)`);
  lines.push(`  ${verb(result.config.status)} paved.yaml${result.config.added.length ? ` (added ${result.config.added.join(", ")})` : ""}`);
  for (const f of result.files) lines.push(`  ${verb(f.status)} ${f.path}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  if (result.intentToAdd.length) lines.push(`Ran git add -N ${result.intentToAdd.join(" ")} (Nix only sees files git knows about).`);
  return lines;
}

/** `paved init --platform`: the platform repository; the application-repository init is the devshell command. */
export const run: CommandHandler = async (ctx, _args, options) => {
  const ci = options.ci;
  if (ci !== undefined && ci !== "github" && ci !== "gitlab") {
    throw new PavedError("E_USAGE", `--ci must be github or gitlab, not ${JSON.stringify(ci)}`, { hint: "paved init --platform --ci gitlab" });
  }
  const repos = repoList(options.repo);
  const result = await initPlatform({
    dir: ctx.dir,
    ...(typeof options.name === "string" ? { name: options.name } : {}),
    ...(repos ? { repos } : {}),
    ...(ci ? { ci } : {}),
    ...(typeof options.release === "string" ? { release: options.release } : {}),
    git: options.git !== false,
    dryRun: options.dryRun === true,
    force: options.force === true,
  });
  const lines = describeInit(result);
  if (result.dryRun && result.diff) lines.push("", result.diff);
  if (!result.dryRun) {
    lines.push("", "Next: add hosts (`paved host add bastion-1 --role bastion`), list application repositories under repos:, then `paved status`.");
  }
  return { data: result, text: lines.join("\n"), exitCode: result.kept.length > 0 ? EXIT.attention : EXIT.ok };
};
