/**
 * `paved sync` re-renders every generated file of one repository from its paved.yaml (the STEPS table's files);
 * both go through core's change transaction: hand-edited files are kept (unless force), writes are all-or-nothing.
 * An ejected repository is the team's own: sync refuses it rather than take the files back.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { commitChange, gitIntentToAdd, gitRoot, loadConfig, PavedError, type ChangeResult } from "@paved/core";
import { readEjected } from "./_ejected.ts";
import { migrationPlan, MIGRATION_FILE } from "./_plan.ts";
import { isPlatform, repositoryFiles } from "./_platform-files.ts";

export interface SyncResult extends ChangeResult {
  kind: "platform" | "application";
  intentToAdd: string[];
  /** MIGRATION.md, refreshed when the platform repository has one. */
  migration?: { status: string; written: boolean };
}

export async function syncRepository(options: { dir: string; dryRun?: boolean; force?: boolean }): Promise<SyncResult> {
  const ejected = await readEjected(options.dir);
  if (ejected) {
    throw new PavedError(
      "E_EJECTED",
      `this repository was ejected from paved on ${ejected.at.slice(0, 10)}: its files are the team's own and paved does not rewrite them`,
      {
        hint: "Edit the files directly. To let paved manage them again, delete .paved/ejected and run `paved sync --force` (it overwrites your changes).",
        details: { dir: options.dir, ejectedAt: ejected.at },
      },
    );
  }
  const { config } = await loadConfig(options.dir);
  const files = await repositoryFiles(options.dir, config);
  const result = await commitChange(
    options.dir,
    { files },
    { dryRun: options.dryRun === true, force: options.force === true },
  );
  const root = options.dryRun ? undefined : await gitRoot(options.dir);
  const created = result.changes
    .filter((c) => c.status === "create" && result.written.includes(c.path))
    .map((c) => relative(root ?? options.dir, join(options.dir, c.path)));
  // New files are invisible to Nix until git knows them.
  const intentToAdd = root ? await gitIntentToAdd(root, created) : [];
  const out: SyncResult = {
    ...result,
    intentToAdd,
    kind: isPlatform(config) ? "platform" : "application",
    diff: options.dryRun ? result.diff : "",
  };
  if (out.kind === "platform" && existsSync(join(options.dir, MIGRATION_FILE))) {
    const plan = await migrationPlan({
      dir: options.dir,
      dryRun: options.dryRun === true,
      force: options.force === true,
    });
    out.migration = { status: plan.file.status, written: plan.file.written };
  }
  return out;
}
