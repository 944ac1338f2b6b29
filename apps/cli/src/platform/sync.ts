/**
 * `paved sync` re-renders every generated file of one repository from its paved.yaml, by asking each step's
 * renderer for its files; `paved eject` strips the paved header from every generated file so the team owns them.
 * Both go through core's managed files: hand-edited files are kept (unless force), writes are all-or-nothing.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { ejectFiles, formatPlanDiff, gitIntentToAdd, gitRoot, loadConfig, writeFiles, type EjectResult, type GeneratedFile, type PavedConfig, type WriteResult } from "@paved/core";
import { renderCiFiles } from "@paved/ci-runner";
import { renderDevshellFiles } from "@paved/devshell";
import { migrationPlan, MIGRATION_FILE } from "./plan.ts";
import { renderPlatformFiles } from "./platform-files.ts";
import { managedFiles } from "./scan.ts";

/** An application repository's files: the dev shell (step 2) and the CI pipeline (step 1). */
const appRenderers: ((root: string, config: PavedConfig) => GeneratedFile[])[] = [renderDevshellFiles, renderCiFiles];

/** A platform repository declares hosts, a roster, rollouts or repositories; an application repository only shells and CI. */
export function isPlatform(config: PavedConfig): boolean {
  return Object.keys(config.hosts).length > 0 || config.team !== undefined || config.rollout !== undefined || config.repos.length > 0;
}

export async function repositoryFiles(root: string, config: PavedConfig): Promise<GeneratedFile[]> {
  const files = isPlatform(config) ? await renderPlatformFiles(root, config) : appRenderers.flatMap((render) => render(root, config));
  const seen = new Set<string>();
  // Two renderers claiming one path is a bug; the first (the platform's own) wins rather than failing the sync.
  return files.filter((f) => !seen.has(f.path) && seen.add(f.path));
}

export interface SyncResult extends WriteResult {
  kind: "platform" | "application";
  diff: string;
  intentToAdd: string[];
  /** MIGRATION.md, refreshed when the platform repository has one. */
  migration?: { status: string; written: boolean };
}

export async function syncRepository(options: { dir: string; dryRun?: boolean; force?: boolean }): Promise<SyncResult> {
  const { config } = await loadConfig(options.dir);
  const files = await repositoryFiles(options.dir, config);
  const result = await writeFiles(options.dir, files, { dryRun: options.dryRun === true, force: options.force === true });
  const root = options.dryRun ? undefined : await gitRoot(options.dir);
  const created = result.changes.filter((c) => c.status === "create" && result.written.includes(c.path)).map((c) => relative(root ?? options.dir, join(options.dir, c.path)));
  // New files are invisible to Nix until git knows them.
  const intentToAdd = root ? await gitIntentToAdd(root, created) : [];
  const out: SyncResult = { ...result, intentToAdd, kind: isPlatform(config) ? "platform" : "application", diff: options.dryRun ? formatPlanDiff(result.changes) : "" };
  if (out.kind === "platform" && existsSync(join(options.dir, MIGRATION_FILE))) {
    const plan = await migrationPlan({ dir: options.dir, dryRun: options.dryRun === true, force: options.force === true });
    out.migration = { status: plan.file.status, written: plan.file.written };
  }
  return out;
}

export async function ejectRepository(options: { dir: string; dryRun?: boolean }): Promise<EjectResult & { edited: string[] }> {
  const files = await managedFiles(options.dir);
  const result = await ejectFiles(options.dir, files.map((f) => f.path), { dryRun: options.dryRun === true });
  return { ...result, edited: files.filter((f) => !f.intact).map((f) => f.path) };
}
