// gitRoot finds the work tree's top on disk instead of starting `git rev-parse` (one process less per command);
// real git is the oracle for every case, so the shortcut can never answer differently from git.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitIntentToAdd, gitRoot, untrackedPaths } from "@paved/core";
import { requireTool } from "@paved/fixtures";

function gitSays(dir: string): string | undefined {
  const r = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

let base: string;
beforeAll(() => {
  requireTool("git");
  base = realpathSync(mkdtempSync(join(tmpdir(), "paved-gitroot-")));
});

describe("gitRoot", () => {
  it("from the top, a deep subdirectory and through a symlink: the same top as git rev-parse", async () => {
    const repo = join(base, "repo");
    mkdirSync(join(repo, "a/b/c"), { recursive: true });
    execFileSync("git", ["init", "-q", repo]);
    symlinkSync(join(repo, "a/b"), join(base, "link"));
    for (const dir of [repo, join(repo, "a/b/c"), join(base, "link")]) {
      expect(await gitRoot(dir)).toBe(gitSays(dir));
      expect(await gitRoot(dir)).toBe(repo);
    }
  });

  it("a linked worktree (.git is a file) is its own top", async () => {
    const repo = join(base, "main");
    mkdirSync(repo);
    execFileSync("git", ["init", "-q", repo]);
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@paved.invalid", "commit", "-q", "--allow-empty", "-m", "x"],
      { cwd: repo },
    );
    const wt = join(base, "wt");
    execFileSync("git", ["worktree", "add", "-q", wt], { cwd: repo });
    mkdirSync(join(wt, "sub"));
    expect(await gitRoot(join(wt, "sub"))).toBe(gitSays(join(wt, "sub")));
    expect(await gitRoot(join(wt, "sub"))).toBe(wt);
  });

  it("an empty .git directory is not a repository: the outer one is the top, as git says", async () => {
    const repo = join(base, "outer");
    mkdirSync(join(repo, "inner/.git"), { recursive: true });
    execFileSync("git", ["init", "-q", repo]);
    expect(await gitRoot(join(repo, "inner"))).toBe(gitSays(join(repo, "inner")));
    expect(await gitRoot(join(repo, "inner"))).toBe(repo);
  });

  it("outside any repository: undefined, as git fails", async () => {
    const lone = join(base, "lone");
    mkdirSync(lone);
    expect(gitSays(lone)).toBeUndefined();
    expect(await gitRoot(lone)).toBeUndefined();
  });
});

describe("untrackedPaths and gitIntentToAdd", () => {
  it("one listing tells tracked from new paths, including names with spaces; ignored paths are left out", async () => {
    const repo = join(base, "add");
    mkdirSync(join(repo, "d"), { recursive: true });
    execFileSync("git", ["init", "-q", repo]);
    for (const [name, text] of [
      ["tracked", "x"],
      ["with space", "y"],
      ["d/new", "z"],
      [".gitignore", ".envrc\n"],
      [".envrc", "w"],
    ] as const)
      writeFileSync(join(repo, name), text);
    execFileSync("git", ["add", "tracked"], { cwd: repo });
    expect(await untrackedPaths(repo, ["tracked", "with space", "d/new"])).toEqual(["with space", "d/new"]);
    const added = await gitIntentToAdd(repo, ["tracked", "with space", "d/new", ".envrc"], { ignored: [".envrc"] });
    expect(added).toEqual(["with space", "d/new"]);
    const listed = execFileSync("git", ["ls-files", "-z"], { cwd: repo, encoding: "utf8" })
      .split("\0")
      .filter(Boolean)
      .sort();
    expect(listed).toEqual(["d/new", "tracked", "with space"]);
  });
});
