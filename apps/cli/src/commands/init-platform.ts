import type { Handler } from "../_define.ts";
import type { spec } from "../defs/init.ts";
import { EXIT } from "../_exit-codes.ts";
import { initPlatform, type PlatformInitResult } from "@paved/platform";

export function describeInit(result: PlatformInitResult): string[] {
  const verb = (status: string) =>
    ({
      create: "create",
      update: "update",
      unchanged: "unchanged",
      completed: "complete",
      kept: "keep (already there)",
      edited: "keep (edited by hand; --force to overwrite)",
      foreign: "keep (not written by paved; --force to overwrite)",
    })[status] ?? status;
  const lines = [result.dryRun ? "Would write:" : "Files:"];
  if (result.gitInit)
    lines.push(
      `  ${result.dryRun ? "would run" : "ran"} git init (Nix reads flakes through git; commit this repository)`,
    );
  lines.push(
    `  ${verb(result.config.status)} paved.yaml${result.config.added.length ? ` (added ${result.config.added.join(", ")})` : ""}`,
  );
  for (const f of result.files) lines.push(`  ${verb(f.status)} ${f.path}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  if (result.intentToAdd.length)
    lines.push(`Ran git add -N ${result.intentToAdd.join(" ")} (Nix only sees files git knows about).`);
  return lines;
}

/** `paved init --platform`: the platform repository; the application-repository init is the devshell command. */
export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const { ci, repo: repos } = options;
  const result = await initPlatform({
    dir: ctx.dir,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(repos.length > 0 ? { repos } : {}),
    ...(ci ? { ci } : {}),
    ...(options.release === undefined ? {} : { release: options.release }),
    git: options.git,
    dryRun: options.dryRun,
    force: options.force,
  });
  const lines = describeInit(result);
  if (result.dryRun && result.diff) lines.push("", result.diff);
  if (!result.dryRun) {
    lines.push(
      "",
      "Next: add hosts (`paved host add bastion-1 --role bastion`), list application repositories under repos:, then `paved status`.",
    );
  }
  return { data: result, text: lines.join("\n"), exitCode: result.kept.length > 0 ? EXIT.attention : EXIT.ok };
};
