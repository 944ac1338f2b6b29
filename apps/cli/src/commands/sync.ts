import type { Handler } from "../_define.ts";
import type { spec } from "../defs/sync.ts";
import { EXIT } from "../_exit-codes.ts";
import { syncRepository } from "@paved/platform";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const result = await syncRepository({ dir: ctx.dir, dryRun: options.dryRun, force: options.force });
  const verb = {
    create: "create",
    update: "update",
    unchanged: "unchanged",
    edited: "keep (edited by hand; --force to overwrite)",
    foreign: "keep (not written by paved; --force to overwrite)",
  } as const;
  const lines = [
    `${result.kind === "platform" ? "Platform" : "Application"} repository: ${result.dryRun ? "would write" : "files"}:`,
  ];
  for (const c of result.changes)
    lines.push(
      `  ${c.write && c.status !== "create" && c.status !== "update" ? "overwrite" : verb[c.status]} ${c.path}`,
    );
  if (result.changes.length === 0)
    lines.push("  nothing: no renderer in this build produces files for this paved.yaml");
  if (result.migration) lines.push(`  ${result.migration.written ? "update" : result.migration.status} MIGRATION.md`);
  if (result.intentToAdd.length)
    lines.push(`Ran git add -N ${result.intentToAdd.join(" ")} (Nix only sees files git knows about).`);
  if (result.dryRun && result.diff) lines.push("", result.diff);
  return { data: result, text: lines.join("\n"), exitCode: result.kept.length > 0 ? EXIT.attention : EXIT.ok };
};
