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
  /**
   * Why Nix may read other bytes than the work tree holds, or other files than this list: core.fileMode=false (a
   * clean checkout is read from HEAD, modes included); outside git, files Nix cannot copy or a repository git
   * refuses to read.
   */
  quirk?: string;
  /** Entries git is told not to look at (assume-unchanged, skip-worktree): HEAD may differ from the work tree. */
  flagged?: string[];
  /** core.autocrlf converts line ends between the work tree and what git stores. */
  eolConverted?: boolean;
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
    const [listed, config] = await Promise.all([
      // -v: each path after a tag; a lowercase tag is assume-unchanged, S is skip-worktree.
      exec(["git", "ls-files", "-z", "-v", "--cached"], { cwd: top }),
      exec(["git", "config", "-z", "--get-regexp", "^core\\.(filemode|autocrlf)$"], { cwd: top }),
    ]);
    const tracked: string[] = [];
    const flagged: string[] = [];
    for (const entry of listed.stdout.split("\0")) {
      if (entry.length < 3) continue;
      const path = entry.slice(2);
      tracked.push(path);
      if (entry[0] === "S" || /[a-z]/.test(entry[0]!)) flagged.push(path);
    }
    const settings = gitSettings(config.stdout);
    const indexPath = join(gitDir!, "index");
    const mtimeMs = statSync(indexPath, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    return {
      top: top!,
      tracked,
      gitIndex: { path: indexPath, mtimeMs },
      ...(flagged.length > 0 ? { flagged } : {}),
      ...(settings.eolConverted ? { eolConverted: true } : {}),
      ...(settings.quirk ? { quirk: settings.quirk } : {}),
    };
  }
  const tracked: string[] = [];
  const odd: string[] = [];
  walk(root, root, tracked, odd);
  // A repository git will not read here (another owner: "dubious ownership"): Nix fails on it where a walk would not.
  const repository = gitAbove(root);
  const quirk = repository
    ? `git cannot read the repository at ${repository}`
    : odd[0] && `${odd[0]} is neither a file, a directory nor a symlink`;
  return { top: root, tracked, ...(quirk ? { quirk } : {}) };
}

function gitAbove(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (statSync(join(at, ".git"), { throwIfNoEntry: false })) return at;
    if (dirname(at) === at) return undefined;
  }
}

function gitSettings(output: string): { eolConverted?: boolean; quirk?: string } {
  const settings: { eolConverted?: boolean; quirk?: string } = {};
  for (const pair of output.split("\0")) {
    const [key, value = ""] = pair.split("\n");
    const setting = key?.toLowerCase();
    const off = /^(false|no|off|0)$/i.test(value);
    if (setting === "core.filemode" && off) settings.quirk = "core.fileMode is false";
    if (setting === "core.autocrlf" && !off) settings.eolConverted = true;
  }
  return settings;
}

function walk(top: string, dir: string, files: string[], odd: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = relative(top, join(dir, entry.name)).split(sep).join("/");
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(top, join(dir, entry.name), files, odd);
    } else {
      files.push(path);
      if (!entry.isFile() && !entry.isSymbolicLink()) odd.push(path);
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
