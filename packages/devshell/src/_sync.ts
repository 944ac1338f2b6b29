/**
 * The devshell part of `paved sync`: re-render flake.nix and .envrc from paved.yaml as it stands (no
 * detection), keeping hand edits unless `force`, and `git add -N` anything new.
 */
import {
  commitChange,
  formatPlanDiff,
  gitIntentToAdd,
  loadConfig,
  requireGitRoot,
  type WriteResult,
} from "@paved/core";
import { renderDevshellFiles } from "./render/_files.ts";

export interface SyncDevshellOptions {
  dir: string;
  dryRun?: boolean;
  force?: boolean;
}

export interface SyncDevshellResult extends WriteResult {
  intentToAdd: string[];
  diff: string;
}

export async function syncDevshell(options: SyncDevshellOptions): Promise<SyncDevshellResult> {
  await requireGitRoot(options.dir);
  const { config } = await loadConfig(options.dir);
  const result = await commitChange(
    options.dir,
    { files: renderDevshellFiles(options.dir, config) },
    { force: options.force === true, dryRun: options.dryRun === true },
  );
  const created = result.changes
    .filter((c) => c.status === "create" && result.written.includes(c.path))
    .map((c) => c.path);
  const intentToAdd = options.dryRun ? [] : await gitIntentToAdd(options.dir, created);
  return { ...result, intentToAdd, diff: formatPlanDiff(result.changes) };
}
