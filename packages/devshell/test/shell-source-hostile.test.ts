// The tree (shell/_source.ts) against what a review found could tell it from the checkout: values that name the
// source's own store path, path arithmetic, symlinks, a clean checkout that Nix reads from HEAD through git, and
// text the lexer could misread. Whatever paved decides, the environment is nix print-dev-env's on the checkout.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { paved, type ShellRepo } from "./_shellrepo.ts";
import { capture, checkoutEnv, flake, latestEntry, repoWith } from "./_sourcerepo.ts";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
});

const system = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-${process.platform}`;

async function expectSame(repo: ShellRepo, source: RegExp | "tree"): Promise<string> {
  const { meta, env } = await capture(repo);
  if (source === "tree") expect(meta.source).toMatchObject({ tree: expect.any(Number) });
  else expect(meta.source).toMatchObject({ checkout: expect.stringMatching(source) });
  expect(env).toBe(checkoutEnv(repo));
  return env;
}

describe("values that name the source's own store path evaluate the checkout", () => {
  it("toString of a path literal is seen in the text", async () => {
    const repo = await repoWith({ "flake.nix": flake("HOOK_PATH = toString ./hook.sh;"), "hook.sh": "echo hook\n" });
    await expectSame(repo, /worked out while evaluating \(flake\.nix:\d+:\d+: \.\/hook\.sh\)/);
  });

  // A path bound to a name first: no reading of the text follows it, the derivations are searched instead.
  it.each([
    ["toString of a file", "HOOK_PATH = let p = ./hook.sh; in toString p;"],
    ["toString of a directory in a shell hook", 'shellHook = let s = ./scripts; in "source ${toString s}/env.sh";'],
    ['"${self}/x" as a value', 'CONF = "${self}/conf/app.conf";'],
    ['self + "/x" as a value', 'CONF = self + "/conf/app.conf";'],
    ["a lib function that calls toString", "ARG = let p = ./hook.sh; in lib.escapeShellArg p;"],
    ["builtins.toFile of such a string", 'RC = let p = ./hook.sh; in builtins.toFile "rc" "source ${toString p}";'],
    [
      "a toFile inside a toFile",
      'RC = let p = ./hook.sh; in builtins.toFile "rc" "source ${builtins.toFile "inner" "x=${toString p}"}";',
    ],
  ])("%s", async (_name, body) => {
    const repo = await repoWith({
      "flake.nix": flake(body),
      "hook.sh": "echo hook\n",
      "scripts/env.sh": "export X=1\n",
      "conf/app.conf": "port=1\n",
    });
    await expectSame(repo, /source's own store path/);
  });

  it("a package built from such a string, not the shell itself", async () => {
    const repo = await repoWith({
      "flake.nix": flake("", '[ (pkgs.writeShellScriptBin "tool" (let p = ./hook.sh; in "source ${toString p}")) ]'),
      "hook.sh": "echo hook\n",
    });
    await expectSame(repo, /source's own store path/);
  });
});

describe("reads the text shows only in part", () => {
  it.each([
    ["dirOf a path literal", "DIR = dirOf ./nix/tools.nix;"],
    ["dirOf in parentheses", "DIR = builtins.attrNames (builtins.readDir (dirOf (./nix/tools.nix)));"],
    ["a path built from a list", 'HAS = map (p: builtins.pathExists (./nix + "/${p}")) [ "../extra.txt" ];'],
    ["a path literal with an interpolation", 'HAS = builtins.pathExists ./nix/${"../extra.txt"};'],
  ])("%s", async (_name, body) => {
    const repo = await repoWith({
      "flake.nix": flake(body),
      "nix/tools.nix": "{ }\n",
      "nix/other.txt": "other\n",
      "extra.txt": "here\n",
    });
    await expectSame(repo, /worked out while evaluating|every tracked file/);
  });

  it("path arithmetic that climbs out with ..", async () => {
    const repo = await repoWith({
      "flake.nix": flake('HAS = if builtins.pathExists (./nix + "/../extra.txt") then "yes" else "no";'),
      "nix/tools.nix": "{ }\n",
      "extra.txt": "here\n",
    });
    expect(await expectSame(repo, /every tracked file/)).toContain('"yes"');
  });

  it("a symlink to a file the flake does not name, and a file below a symlinked directory", async () => {
    const repo = await repoWith({
      "flake.nix": flake(
        'A = if builtins.pathExists ./link.txt then "y" else "n"; B = if builtins.pathExists ./linkdir/x.txt then "y" else "n";',
      ),
      "real/x.txt": "x\n",
    });
    symlinkSync("real/x.txt", join(repo.root, "link.txt"));
    symlinkSync("real", join(repo.root, "linkdir"));
    repo.git("add", "-A");
    await expectSame(repo, /symlink/);
  });

  it('text the lexer must not misread: "$${" is not an interpolation', async () => {
    const repo = await repoWith({ "flake.nix": flake('A = "$${"; B = toString self; C = "}";') });
    await expectSame(repo, /every tracked file/);
  });

  it("inputs bound by a parenthesised lambda", async () => {
    const repo = await repoWith({
      "flake.nix": `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
  outputs = (inputs: {
    devShells.${system}.default = inputs.nixpkgs.legacyPackages.${system}.mkShell { SRC = "\${inputs.self}"; };
  });
}
`,
    });
    await expectSame(repo, /every tracked file/);
  });
});

describe("a clean checkout, which Nix reads from HEAD", () => {
  /** A committed repository whose nixpkgs input is the fixture, locked: no override, so Nix sees it clean. */
  async function committed(files: Record<string, string>): Promise<ShellRepo> {
    const repo = await repoWith(files);
    const nixpkgsUrl = `path:${repo.nixpkgs}`;
    repo.write("flake.nix", (files["flake.nix"] ?? flake("")).replace("github:NixOS/nixpkgs/nixos-26.05", nixpkgsUrl));
    execFileSync("nix", ["flake", "lock"], { cwd: repo.root, env: repo.env, stdio: "ignore" });
    repo.git("add", "-A");
    repo.git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "all");
    return repo;
  }

  async function expectSameClean(repo: ShellRepo, source: RegExp | "tree"): Promise<string> {
    const { meta, env } = await capture(repo, "", []);
    if (source === "tree") expect(meta.source).toMatchObject({ tree: expect.any(Number) });
    else expect(meta.source).toMatchObject({ checkout: expect.stringMatching(source) });
    expect(env).toBe(checkoutEnv(repo, "", false));
    return env;
  }

  it("gets a tree when git hands Nix what the work tree holds", async () => {
    const repo = await committed({ "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"), "hook.sh": "hook\n" });
    await expectSameClean(repo, "tree");
  });

  it("self ? rev differs between a clean checkout and any copy", async () => {
    const repo = await committed({ "flake.nix": flake('DIRTY = if self ? rev then "no" else "yes";') });
    expect(await expectSameClean(repo, /every tracked file/)).toContain('"no"');
  });

  it("export-subst in .gitattributes", async () => {
    const repo = await committed({
      "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"),
      "hook.sh": "rev=$Format:%H$\n",
      ".gitattributes": "hook.sh export-subst\n",
    });
    await expectSameClean(repo, /hook\.sh has export-subst/);
  });

  it("line-end attributes most repositories have (* text=auto eol=lf) keep the tree; a carriage return does not", async () => {
    const files = {
      "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"),
      "hook.sh": "hook\n",
      ".gitattributes": "* text=auto eol=lf\n",
    };
    await expectSameClean(await committed(files), "tree");
    const crlf = await committed(files);
    crlf.write("hook.sh", "hook\r\n"); // git diff HEAD still says clean: the stored text is the same
    await expectSameClean(crlf, /hook\.sh has carriage returns/);
  });

  it("an untracked .gitattributes, and the repository's info/attributes, count as well", async () => {
    const untracked = await committed({
      "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"),
      "hook.sh": "rev=$Format:%H$\n",
    });
    untracked.write(".gitattributes", "hook.sh export-subst\n");
    await expectSameClean(untracked, /hook\.sh has export-subst/);
    const info = await committed({
      "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"),
      "hook.sh": "rev=$Format:%H$\n",
    });
    info.write(".git/info/attributes", "hook.sh export-subst\n");
    await expectSameClean(info, /hook\.sh has export-subst/);
  });

  it("a file git is told to assume unchanged", async () => {
    const repo = await committed({
      "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"),
      "hook.sh": "committed\n",
    });
    repo.git("update-index", "--assume-unchanged", "hook.sh");
    repo.write("hook.sh", "local edit\n");
    await expectSameClean(repo, /git is told not to look at hook\.sh/);
  });
});

describe("outside git, and when git will not read the repository", () => {
  it("an empty directory Nix copies and a walk of files does not see", async () => {
    const repo = await repoWith({ "flake.nix": flake('HAS = if builtins.pathExists ./emptydir then "y" else "n";') });
    rmSync(join(repo.root, ".git"), { recursive: true, force: true });
    mkdirSync(join(repo.root, "emptydir"));
    expect(await expectSame(repo, /Nix sees outside git/)).toContain('"y"');
  });

  it("git failing on a repository (here GIT_DIR points nowhere) is not taken for no git at all", async () => {
    const repo = await repoWith({ "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"), "hook.sh": "hook\n" });
    const env = { GIT_DIR: join(repo.root, "no-such-git-dir") };
    const result = await paved(repo, ["--json", "shell", "--dry-run", "--nixpkgs", repo.nixpkgs], repo.root, { env });
    expect(JSON.parse(result.stdout).source).toMatchObject({ checkout: expect.stringMatching(/git cannot read/) });
  });
});

describe("the cache around a tree", () => {
  it("a capture still running in another process is not pruned; one abandoned an hour ago is", async () => {
    const repo = await repoWith({ "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"), "hook.sh": "hook\n" });
    await capture(repo);
    const running = join(dirname(latestEntry(repo).dir), "capture-in-progress");
    mkdirSync(join(running, "source"), { recursive: true });
    await capture(repo, "", ["--nixpkgs", repo.nixpkgs, "--refresh"]);
    expect(existsSync(join(running, "source"))).toBe(true);
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(running, old, old);
    await capture(repo, "", ["--nixpkgs", repo.nixpkgs, "--refresh"]);
    expect(existsSync(running)).toBe(false);
  });

  it("a relative PAVED_CACHE_DIR is taken from the working directory, also by the Nix paved runs", async () => {
    const repo = await repoWith({ "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"), "hook.sh": "hook\n" });
    const cwd = join(repo.root, "services/api");
    const env = { PAVED_CACHE_DIR: "rel-cache" };
    const result = await paved(repo, ["--json", "shell", "--nixpkgs", repo.nixpkgs, "--", "true"], cwd, { env });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).source).toMatchObject({ tree: 2 });
    expect(existsSync(join(cwd, "rel-cache", "shells"))).toBe(true);
  });
});
