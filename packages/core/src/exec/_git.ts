import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { exec, type ExecOptions } from "./_exec.ts";
import { PavedError } from "../errors.ts";

async function git(args: string[], options: ExecOptions = {}) {
  try {
    return await exec(["git", ...args], options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new PavedError("E_GIT_MISSING", "git is not installed or not on PATH.", {
        hint: "Install git (Debian/Ubuntu: `apt-get install git`); flakes in a repository are read through git.",
      });
    }
    throw error;
  }
}

/**
 * The nearest directory at or above `dir` with a `.git` (a directory, or the file of a worktree or submodule),
 * found without starting git: every command asks for the top first, and a process costs more than the stats.
 * Undefined when git's own answer may differ: GIT_DIR, GIT_WORK_TREE or GIT_CEILING_DIRECTORIES set, or `dir`
 * inside a .git directory.
 */
function gitTopFromDisk(dir: string): string | undefined {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_CEILING_DIRECTORIES) return undefined;
  let at: string;
  try {
    at = realpathSync(dir);
  } catch {
    return undefined;
  }
  if (at.split(sep).includes(".git")) return undefined;
  for (;;) {
    // A .git directory without HEAD is not a repository to git either, which then looks further up.
    const dotGit = join(at, ".git");
    if (existsSync(join(dotGit, "HEAD")) || isFile(dotGit)) return at;
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The top of the git work tree containing `dir`, or undefined when `dir` is not in one. */
export async function gitRoot(dir: string): Promise<string | undefined> {
  const top = gitTopFromDisk(dir);
  if (top !== undefined) return top;
  // Not found on disk (or git's answer may differ): git decides, as before.
  const result = await git(["rev-parse", "--show-toplevel"], { cwd: dir });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export async function requireGitRoot(dir: string): Promise<string> {
  const root = await gitRoot(dir);
  if (!root) {
    throw new PavedError("E_NOT_GIT_REPO", `${dir} is not inside a git repository.`, {
      hint: "Nix reads flakes in a repository through git. Run `git init` there first.",
    });
  }
  return root;
}

/** Paths (relative to `root`) that git does not know about; Nix cannot see these inside a flake. */
export async function untrackedPaths(root: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  // One listing: the paths git tracks print themselves (-z: names as they are, no quoting).
  const known = new Set(
    (await git(["ls-files", "-z", "--", ...paths], { cwd: root })).stdout.split("\0").filter(Boolean),
  );
  return paths.filter((path) => !known.has(path));
}

/**
 * `git add --intent-to-add`: makes new files visible to Nix without staging their content.
 * Returns the paths it added.
 */
/** The paths (relative to `root`) that .gitignore matches; `git add -N` refuses those. */
export async function gitIgnoredPaths(root: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const result = await git(["check-ignore", "--", ...paths], { cwd: root });
  // Exit 1: nothing ignored. Any other failure is git's own trouble, which `git add` reports properly.
  if (result.exitCode !== 0) return [];
  return result.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * `git add -N` for the paths git does not know yet; ignored ones are left out (callers say so with
 * gitIgnoredPaths), so a `.envrc` in .gitignore never fails a command whose files were written.
 */
export async function gitIntentToAdd(
  root: string,
  paths: string[],
  options: { ignored?: readonly string[]; untracked?: readonly string[] } = {},
): Promise<string[]> {
  // A caller that already asked gitIgnoredPaths / untrackedPaths passes the answers (no second git call);
  // otherwise both questions go to git at once.
  const [ignoredList, untracked] = await Promise.all([
    options.ignored ?? gitIgnoredPaths(root, paths),
    options.untracked ?? untrackedPaths(root, paths),
  ]);
  const ignored = new Set(ignoredList);
  const missing = untracked.filter((p) => !ignored.has(p));
  if (missing.length === 0) return [];
  const result = await git(["add", "--intent-to-add", "--", ...missing], { cwd: root });
  if (result.exitCode !== 0) {
    throw new PavedError("E_GIT_FAILED", `git add -N failed: ${result.stderr.trim()}`, {
      hint: `Run \`git add -N ${missing.join(" ")}\` yourself so Nix can see the new files.`,
    });
  }
  return missing;
}
