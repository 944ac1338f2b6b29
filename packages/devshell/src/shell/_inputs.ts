/**
 * Cold path: which files an environment depends on. Nix reads a flake in a git repository through git, so the
 * candidates are the flake's own files plus every tracked (or `git add -N`) `.nix` file of the repository — any of
 * them can be imported. A new `.nix` file only matters once git tracks it, which rewrites the git index, so the
 * warm path watches the index's mtime instead of walking the tree. Outside git, Nix copies the whole directory;
 * then paved walks it once here and records the directories that hold `.nix` files.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { exec } from "@paved/core";

export interface InputList {
  files: string[];
  gitIndex?: { path: string; mtimeMs: number };
  dirs?: { path: string; mtimeMs: number }[];
}

const FLAKE_FILES = ["flake.nix", "flake.lock", "paved.yaml"];
const SKIP_DIRS = new Set([".git", "node_modules", ".direnv", "result", "target", "dist", "build", "vendor", ".venv"]);

export async function listInputs(root: string): Promise<InputList> {
  const own = FLAKE_FILES.map((file) => join(root, file));
  const git = await exec(["git", "rev-parse", "--show-toplevel", "--absolute-git-dir"], { cwd: root }).catch(() => undefined);
  if (git && git.exitCode === 0) {
    const [top, gitDir] = git.stdout.trim().split("\n");
    const listed = await exec(["git", "ls-files", "-z", "--cached", "--", "*.nix"], { cwd: top });
    const nixFiles = listed.stdout.split("\0").filter(Boolean).map((file) => join(top!, file));
    const indexPath = join(gitDir!, "index");
    const mtimeMs = statSync(indexPath, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    return { files: unique([...own, ...nixFiles]), gitIndex: { path: indexPath, mtimeMs } };
  }
  const files: string[] = [];
  const dirs = [{ path: root, mtimeMs: statSync(root).mtimeMs }];
  walk(root, files, dirs);
  return { files: unique([...own, ...files]), dirs };
}

function walk(dir: string, files: string[], dirs: { path: string; mtimeMs: number }[]): void {
  let found = false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), files, dirs);
    } else if (entry.name.endsWith(".nix")) {
      files.push(join(dir, entry.name));
      found = true;
    }
  }
  if (found && !dirs.some((d) => d.path === dir)) dirs.push({ path: dir, mtimeMs: statSync(dir).mtimeMs });
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
