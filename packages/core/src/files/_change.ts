/**
 * The one change transaction every writing command goes through: the new paved.yaml text and every generated
 * file are computed first, shown as one diff with dryRun, and put in place all-or-nothing. paved.yaml is part
 * of the same commit, so a failure at any write leaves every file (paved.yaml included) as it was.
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { PavedError } from "../errors.ts";
import { assertNoSecretInText } from "../secrets/index.ts";
import {
  commitChanges,
  formatPlanDiff,
  planFiles,
  unifiedDiff,
  type CommitIo,
  type FileChange,
  type FileStatus,
  type GeneratedFile,
  type WriteOptions,
  type WriteResult,
} from "./_write.ts";

export interface ChangeSet {
  /** paved.yaml (or any hand-owned file a command edits in place): its text when read, and the new text. */
  config?: { path: string; before: string | undefined; after: string };
  /** Generated files, each with the managed header. */
  files: GeneratedFile[];
}

/** paved.yaml's part of a change, from an editConfig preview (`{ dryRun: true }`). */
export function configEdit(
  root: string,
  edit: { file: string; before: string; after: string },
): NonNullable<ChangeSet["config"]> {
  return { path: relative(root, edit.file), before: edit.before, after: edit.after };
}

export interface ChangeOptions extends WriteOptions {
  /** Replaces the file operations, to fail a chosen write in tests. */
  io?: CommitIo;
}

export interface ChangeResult extends WriteResult {
  config?: { path: string; status: FileStatus; written: boolean };
  /** paved.yaml's diff followed by every generated file's, as `--dry-run` prints it. */
  diff: string;
}

async function current(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
}

export async function planChange(
  root: string,
  set: ChangeSet,
  options: WriteOptions = {},
): Promise<{ config?: FileChange; changes: FileChange[] }> {
  const changes = await planFiles(root, set.files, options);
  if (!set.config) return { changes };
  const { path, before, after } = set.config;
  if (changes.some((c) => c.path === path))
    throw new PavedError("E_INPUT", `${path} is both edited and generated.`, { hint: "This is a bug in paved." });
  assertNoSecretInText(after, path);
  const status: FileStatus = before === undefined ? "create" : before === after ? "unchanged" : "update";
  const config: FileChange = {
    path,
    status,
    next: after,
    previous: before,
    diff: unifiedDiff(path, before, after),
    write: status !== "unchanged",
    executable: false,
  };
  return { config, changes };
}

/** Plans, then (unless dryRun) writes paved.yaml and the generated files together, or none of them. */
export async function commitChange(root: string, set: ChangeSet, options: ChangeOptions = {}): Promise<ChangeResult> {
  const { config, changes } = await planChange(root, set, options);
  const kept = changes.filter((c) => !c.write && (c.status === "edited" || c.status === "foreign")).map((c) => c.path);
  const toWrite = [...(config?.write ? [config] : []), ...changes.filter((c) => c.write)];
  const diff = [config?.diff ?? "", formatPlanDiff(changes)].filter(Boolean).join("\n");
  const dryRun = options.dryRun === true;
  const configOut = config ? { path: config.path, status: config.status, written: false } : undefined;
  if (!dryRun && toWrite.length > 0) {
    // Someone (or another paved) changed paved.yaml since it was read: writing would drop their change.
    if (config && (await current(join(root, config.path))) !== config.previous) {
      throw new PavedError("E_CONFIG_CHANGED", `${config.path} changed while paved was working; nothing was written`, {
        hint: "Run the command again.",
      });
    }
    await commitChanges(root, toWrite, options.io);
    if (configOut) configOut.written = config!.write;
  }
  return {
    changes,
    written: dryRun ? [] : toWrite.map((c) => c.path),
    kept,
    dryRun,
    diff,
    ...(configOut ? { config: configOut } : {}),
  };
}
