import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile, stat, chmod } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { createTwoFilesPatch } from "diff";
import { PavedError } from "../errors.ts";
import { assertNoSecretInText } from "../secrets/index.ts";
import { commentStyleFor, parseHeader, withHeader, type CommentStyle } from "./_header.ts";

export interface GeneratedFile {
  /** Relative to the root given to planFiles/writeFiles. */
  path: string;
  /** The body, without header; the header is added here. */
  content: string;
  /** What the file is generated from, named in its header. Default `paved.yaml`. */
  source?: string;
  comment?: CommentStyle;
  executable?: boolean;
}

export type FileStatus =
  | "create" // does not exist yet
  | "update" // paved's, untouched, content changes
  | "unchanged" // paved's, same content
  | "edited" // paved's header, but a person changed the body
  | "foreign"; // exists without a paved header: written by hand or ejected

export interface FileChange {
  path: string;
  status: FileStatus;
  /** Full new content, header included. */
  next: string;
  previous?: string;
  /** Unified diff from the current file to the new one (empty when unchanged). */
  diff: string;
  /** Whether this change will be written (create/update, or any with force). */
  write: boolean;
  executable: boolean;
}

export interface WriteOptions {
  /** Overwrite files a person edited, and files without a paved header. */
  force?: boolean;
  /** Plan and diff only; write nothing. */
  dryRun?: boolean;
}

export interface WriteResult {
  changes: FileChange[];
  written: string[];
  /** Files kept as they are because a person edited them (rerun with force to overwrite). */
  kept: string[];
  dryRun: boolean;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new PavedError("E_FILE_READ", `Cannot read ${path}: ${(error as Error).message}`, {
      hint: "Check the file's permissions.",
    });
  }
}

export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  if (before === after) return "";
  return createTwoFilesPatch(
    before === undefined ? "/dev/null" : `a/${path}`,
    after === undefined ? "/dev/null" : `b/${path}`,
    before ?? "",
    after ?? "",
    undefined,
    undefined,
    { context: 3 },
  )
    .split("\n")
    .slice(1) // drop the "====" separator line
    .join("\n");
}

function checkPath(root: string, path: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel.startsWith("..") || rel === "" || resolve(rel) === rel) {
    throw new PavedError("E_INPUT", `Refusing to write ${path}: it is outside ${root}.`, {
      hint: "Generated files must stay inside the repository.",
    });
  }
  return full;
}

/** What writing these files would do, file by file, without touching the disk. */
export async function planFiles(
  root: string,
  files: GeneratedFile[],
  options: WriteOptions = {},
): Promise<FileChange[]> {
  const seen = new Set<string>();
  const changes: FileChange[] = [];
  for (const file of files) {
    const full = checkPath(root, file.path);
    if (seen.has(full))
      throw new PavedError("E_INPUT", `${file.path} is generated twice.`, { hint: "This is a bug in paved." });
    seen.add(full);
    // Last line of defence: whatever a renderer was given, a credential never reaches a file (nor a dry-run diff).
    assertNoSecretInText(file.content, file.path);
    const next = withHeader(file.content, file.source ?? "paved.yaml", file.comment ?? commentStyleFor(file.path));
    const previous = await readIfExists(full);
    let status: FileStatus;
    if (previous === undefined) status = "create";
    else if (previous === next) status = "unchanged";
    else {
      const header = parseHeader(previous);
      status = !header ? "foreign" : header.intact ? "update" : "edited";
    }
    const write = status === "create" || status === "update" || (options.force === true && status !== "unchanged");
    changes.push({
      path: file.path,
      status,
      next,
      previous,
      diff: status === "unchanged" ? "" : unifiedDiff(file.path, previous, next),
      write,
      executable: file.executable ?? false,
    });
  }
  return changes;
}

/** The file operations a commit makes; tests replace them to fail each write in turn. */
export interface CommitIo {
  writeFile: (path: string, data: string, options: { encoding: "utf8"; flag: "wx" }) => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
}

const NODE_IO: CommitIo = { writeFile: (path, data, options) => writeFile(path, data, options), rename };

/**
 * Puts planned changes in place all-or-nothing: every file goes to a temp file next to its target first, then
 * each is renamed into place; if any step fails, files already replaced get their old content back, new ones are
 * removed, and so are directories made for them.
 */
export async function commitChanges(root: string, toWrite: FileChange[], io: CommitIo = NODE_IO): Promise<void> {
  const suffix = `.paved-tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const staged: { full: string; temp: string; change: FileChange }[] = [];
  const committed: { full: string; change: FileChange }[] = [];
  const createdDirs: string[] = [];
  try {
    for (const change of toWrite) {
      const full = join(root, change.path);
      const dir = dirname(full);
      const made = await mkdir(dir, { recursive: true });
      if (made) createdDirs.push(made);
      const temp = full + suffix;
      staged.push({ full, temp, change });
      await io.writeFile(temp, change.next, { encoding: "utf8", flag: "wx" });
      if (change.executable) await chmod(temp, 0o755);
      else if (change.previous !== undefined) await chmod(temp, (await stat(full)).mode & 0o777);
    }
    for (const item of staged) {
      await io.rename(item.temp, item.full);
      committed.push(item);
    }
  } catch (error) {
    await Promise.allSettled(staged.map((item) => rm(item.temp, { force: true })));
    for (const item of committed.reverse()) {
      if (item.change.previous === undefined) await rm(item.full, { force: true });
      else await writeFile(item.full, item.change.previous, "utf8").catch(() => {});
    }
    for (const dir of createdDirs.reverse()) await rm(dir, { recursive: true, force: true }).catch(() => {});
    throw new PavedError(
      "E_FILE_WRITE",
      `Could not write the files; nothing was changed: ${(error as Error).message}`,
      {
        hint: "Check free space and permissions in the repository, then run the command again.",
        cause: error,
      },
    );
  }
}

/** Writes a set of generated files all-or-nothing. Files a person edited are reported and kept unless `force`. */
export async function writeFiles(
  root: string,
  files: GeneratedFile[],
  options: WriteOptions = {},
): Promise<WriteResult> {
  const changes = await planFiles(root, files, options);
  const kept = changes.filter((c) => !c.write && (c.status === "edited" || c.status === "foreign")).map((c) => c.path);
  const toWrite = changes.filter((c) => c.write);
  if (options.dryRun || toWrite.length === 0) {
    return { changes, written: [], kept, dryRun: options.dryRun === true };
  }
  await commitChanges(root, toWrite);
  return { changes, written: toWrite.map((c) => c.path), kept, dryRun: false };
}

/** The unified diff of a whole plan, as `--dry-run` prints it. */
export function formatPlanDiff(changes: FileChange[]): string {
  return changes
    .filter((c) => c.diff !== "" && c.write)
    .map((c) => c.diff)
    .join("\n");
}
