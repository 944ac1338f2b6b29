/**
 * Cold path: which files an environment depends on. Nix reads a flake in a git repository through git, so only
 * tracked (or `git add -N`) files are visible to it; of those, the read set (_readset.ts) is what this evaluation
 * can read. A file that is not visible yet only matters once git tracks it, which rewrites the git index, so the
 * warm path watches the index's mtime instead of walking the tree. Outside git, Nix copies the whole directory;
 * then paved walks it once here and records the mtimes of the directories the evaluation reads as a whole.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { exec } from "@paved/core";
import { readSet } from "./_readset.ts";

export interface InputList {
  files: string[];
  /** Files of the checkout Nix reported evaluating (undefined: not known, so the whole tree counts). */
  evaluated?: string[];
  /** Directories read as a whole. */
  readDirs: string[];
  /** Where a dependency on every tracked file comes from, when there is one. */
  wholeTree?: string;
  gitIndex?: { path: string; mtimeMs: number };
  dirs?: { path: string; mtimeMs: number }[];
}

export interface Visible {
  /** The git repository's top, or the flake's directory outside git. */
  top: string;
  /** Files Nix can see, relative to `top`, `/`-separated. */
  tracked: string[];
  gitIndex?: { path: string; mtimeMs: number };
}

/** paved.yaml is not read by Nix, but what paved reads from it (dirs, the nixpkgs path) shapes the environment. */
const OWN_FILES = ["paved.yaml"];
export function isOwnFile(root: string, file: string): boolean {
  return OWN_FILES.some((own) => join(root, own) === file);
}

/** Never part of a tree Nix copies as far as paved is concerned: git's own data and direnv's layout directory. */
const SKIP_DIRS = new Set([".git", ".direnv"]);

export async function visibleFiles(root: string): Promise<Visible> {
  const git = await exec(["git", "rev-parse", "--show-toplevel", "--absolute-git-dir"], { cwd: root }).catch(
    () => undefined,
  );
  if (git && git.exitCode === 0) {
    const [top, gitDir] = git.stdout.trim().split("\n");
    const listed = await exec(["git", "ls-files", "-z", "--cached"], { cwd: top });
    const indexPath = join(gitDir!, "index");
    const mtimeMs = statSync(indexPath, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    return { top: top!, tracked: listed.stdout.split("\0").filter(Boolean), gitIndex: { path: indexPath, mtimeMs } };
  }
  const tracked: string[] = [];
  walk(root, root, tracked);
  return { top: root, tracked };
}

function walk(top: string, dir: string, files: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(top, join(dir, entry.name), files);
    } else {
      files.push(relative(top, join(dir, entry.name)).split(sep).join("/"));
    }
  }
}

/** The inputs of one evaluation, from what Nix reported evaluating (see _readset.ts). */
export async function listInputs(root: string, evaluated: string[] | undefined, visible?: Visible): Promise<InputList> {
  const seen = visible ?? (await visibleFiles(root));
  const set = readSet({ root, top: seen.top, tracked: seen.tracked, evaluated });
  const files = [...new Set([...set.files, ...OWN_FILES.map((file) => join(root, file))])].sort();
  const list: InputList = {
    files,
    readDirs: set.dirs,
    ...(evaluated ? { evaluated } : {}),
    ...(set.wholeTree ? { wholeTree: set.wholeTree } : {}),
  };
  if (seen.gitIndex) list.gitIndex = seen.gitIndex;
  else {
    // Without git, a new file shows as a changed mtime of its directory: every directory that holds an input.
    const dirsOf = new Set([root, ...set.dirs, ...files.map((file) => dirname(file))]);
    list.dirs = [...dirsOf].sort().flatMap((path) => {
      const mtimeMs = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
      return mtimeMs === undefined ? [] : [{ path, mtimeMs }];
    });
  }
  return list;
}
