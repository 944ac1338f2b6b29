// The cold path's tree (shell/_source.ts): when a flake's text shows every file its evaluation can read, Nix gets a
// tree of only those files instead of copying the whole checkout. That must be the same evaluation: for every form
// below, the environment paved captured is byte for byte what `nix print-dev-env` prints for the checkout itself
// (store paths of copied files and directories included), and the forms that can reach the whole tree, or that the
// text does not show, evaluate the checkout.
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { capture, checkoutEnv, flake, repoWith } from "./_sourcerepo.ts";
import { makeShellRepo, paved } from "./_shellrepo.ts";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
});

describe("Nix evaluates a tree of the files the shell reads, and gets the same environment", () => {
  it.each([
    [
      "import of a .nix file",
      { "nix/tools.nix": "{ pkgs }: [ pkgs.hello pkgs.uv ]\n" },
      "",
      "import ./nix/tools.nix { inherit pkgs; }",
    ],
    ["builtins.readFile", { "hook.sh": "echo one\n" }, "HOOK = builtins.readFile ./hook.sh;"],
    [
      "fromJSON (readFile …)",
      { "package.json": '{ "version": "1.0.0" }\n' },
      "V = (builtins.fromJSON (builtins.readFile ./package.json)).version;",
    ],
    [
      "fromTOML",
      { "Cargo.toml": '[package]\nversion = "0.1.0"\n' },
      "V = (builtins.fromTOML (builtins.readFile ./Cargo.toml)).package.version;",
    ],
    ["a path literal to a file, copied to the store", { "scripts/run.sh": "echo run\n" }, "SCRIPT = ./scripts/run.sh;"],
    ["a directory copied to the store", { "data/a.txt": "a\n", "data/sub/b.txt": "b\n" }, "DATA = ./data;"],
    [
      "builtins.path of a directory",
      { "data/a.txt": "a\n" },
      'DATA = builtins.path { path = ./data; name = "data"; };',
    ],
    [
      "lib.fileset.toSource below the top",
      { "data/a.txt": "a\n", "data/b.txt": "b\n" },
      "DATA = lib.fileset.toSource { root = ./data; fileset = ./data/a.txt; };",
    ],
    ['self + "/x"', { "conf/app.conf": "port=1\n" }, 'CONF = builtins.readFile (self + "/conf/app.conf");'],
    ['"${self}/x"', { "conf/app.conf": "port=1\n" }, 'CONF = builtins.readFile "${self}/conf/app.conf";'],
    [
      "callPackage ./dir, and a file its default.nix reads",
      {
        "pkgs/tool/default.nix": '{ writeShellScriptBin }: writeShellScriptBin "tool" (builtins.readFile ./tool.sh)\n',
        "pkgs/tool/tool.sh": "echo tool\n",
      },
      "",
      "[ (pkgs.callPackage ./pkgs/tool { }) ]",
    ],
  ] as [string, Record<string, string>, string, string?][])("%s", async (_name, files, body, packages) => {
    const repo = await repoWith({ ...files, "flake.nix": flake(body, packages) });
    const { meta, env, stderr } = await capture(repo);
    expect(meta.source).toMatchObject({ tree: expect.any(Number) });
    const json = await paved(repo, ["--json", "shell", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ cache: "hit", source: meta.source });
    // flake.nix and what it reads; never the 300 KB nobody reads.
    expect((meta.source as { tree: number }).tree).toBeLessThanOrEqual(Object.keys(files).length + 1);
    expect(stderr).toMatch(/Nix gets the \d+ files? this shell can read, of \d+/);
    expect(env).toBe(checkoutEnv(repo));
  });

  it("keeps executable bits and symlinks, so a copied directory has the checkout's store path", async () => {
    const repo = await makeShellRepo();
    repo.write("assets/big.bin", "x".repeat(300_000));
    repo.write("tools/run.sh", "#!/bin/sh\necho run\n");
    chmodSync(join(repo.root, "tools/run.sh"), 0o755);
    symlinkSync("run.sh", join(repo.root, "tools/run"));
    repo.write("flake.nix", flake("TOOLS = ./tools;"));
    repo.git("add", "-A");
    const { meta, env } = await capture(repo);
    expect(meta.source).toEqual({ tree: 3 });
    expect(env).toBe(checkoutEnv(repo));
    const tools = (JSON.parse(env) as { variables: { TOOLS: { value: string } } }).variables.TOOLS.value;
    expect(execFileSync(join(tools, "run"), { encoding: "utf8" })).toBe("run\n");
  });

  it("a flake below the repository's top gets a tree of its own directory", async () => {
    const repo = await repoWith(
      { "flake.nix": flake("", "import ./tools.nix { inherit pkgs; }"), "tools.nix": "{ pkgs }: [ pkgs.uv ]\n" },
      "nix/dev",
    );
    const { meta, env } = await capture(repo, "nix/dev");
    expect(meta.source).toEqual({ tree: 2 });
    expect(env).toBe(checkoutEnv(repo, "nix/dev"));
  });
});

describe("the checkout itself is evaluated when a tree could differ", () => {
  it.each([
    ["src = ./.", "src = ./.;", /every tracked file/],
    [
      "builtins.path of ./. with a filter",
      'src = builtins.path { path = ./.; name = "s"; filter = p: t: true; };',
      /\.\/\./,
    ],
    ["lib.fileset with root ./.", "src = lib.fileset.toSource { root = ./.; fileset = ./flake.nix; };", /\.\/\./],
    ["what Nix knows of the source (self.lastModifiedDate)", "WHEN = self.lastModifiedDate;", /self/],
    ["self as a value", 'SRC = "${self}";', /self/],
  ])("%s", async (_name, body, why) => {
    const repo = await repoWith({ "flake.nix": flake(body) });
    const { meta, env } = await capture(repo);
    expect(meta.source).toMatchObject({ checkout: expect.stringMatching(why) });
    expect(env).toBe(checkoutEnv(repo));
  });

  it('a flake below the top that names self + "/x" (what self is there depends on the Nix version)', async () => {
    const repo = await repoWith(
      { "flake.nix": flake('CONF = builtins.readFile (self + "/conf/app.conf");'), "conf/app.conf": "deep=1\n" },
      "nix/dev",
    );
    repo.write("conf/app.conf", "top=1\n");
    repo.git("add", "-A");
    const { meta, env } = await capture(repo, "nix/dev");
    expect(meta.source).toMatchObject({ checkout: expect.stringMatching(/self/) });
    expect(env).toBe(checkoutEnv(repo, "nix/dev"));
    // Which file that is depends on the Nix version (the repository's in Nix 2.8, the flake's directory's later).
    expect(env).toMatch(/top=1|deep=1/);
  });

  it("with every file read anyway, Nix may answer from its evaluation cache, as for nix develop; not on --refresh", async () => {
    const repo = await repoWith({ "flake.nix": flake("src = ./.;") });
    await capture(repo);
    await capture(repo, "", ["--nixpkgs", repo.nixpkgs, "--refresh"]);
    const calls = repo.nixCalls().filter((line) => line.includes("print-dev-env"));
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toContain("--no-eval-cache");
    expect(calls[1]).toContain("--no-eval-cache");
  });

  it("a read the text does not show: the tree fails, the checkout is evaluated and its result kept", async () => {
    const repo = await repoWith({
      "flake.nix": flake('LIB = let nix = ./nix; in (import "${toString nix}/../lib.nix").value;'),
      "nix/x.nix": "{ }\n",
      "lib.nix": '{ value = "from-lib"; }\n',
    });
    const { meta, env } = await capture(repo);
    expect(meta.source).toMatchObject({
      checkout: expect.stringMatching(/could not evaluate the tree of \d+ files? alone \(/),
    });
    expect(env).toBe(checkoutEnv(repo));
    expect(env).toContain("from-lib");
    // What the checkout's evaluation read is tracked as before: editing lib.nix is a miss.
    expect(meta.inputs.map((input) => input.path)).toContain(join(repo.root, "lib.nix"));
  });

  it("a lock file that needs writing is written into the checkout, as nix develop does", async () => {
    const repo = await makeShellRepo();
    repo.write("assets/big.bin", "x".repeat(300_000));
    repo.write(
      "flake.nix",
      flake("", "[ pkgs.hello ]").replace("github:NixOS/nixpkgs/nixos-26.05", `path:${repo.nixpkgs}`),
    );
    repo.git("add", "-A");
    const { meta, env } = await capture(repo, "", []);
    expect(meta.source).toMatchObject({
      checkout: expect.stringMatching(/could not evaluate the tree of \d+ files? alone \(/),
    });
    const lock = JSON.parse(readFileSync(join(repo.root, "flake.lock"), "utf8"));
    expect(lock.nodes.nixpkgs.locked).toMatchObject({ type: "path", path: repo.nixpkgs });
    expect(env).toBe(checkoutEnv(repo, "", false));
    // With the lock in place, the next cold evaluation can use a tree.
    repo.git("add", "flake.lock");
    const again = await capture(repo, "", ["--refresh"]);
    expect(again.meta.source).toEqual({ tree: 2 });
    expect(again.env).toBe(env);
  });
});

describe("--dry-run", () => {
  it("shows the tree Nix would get, and keeps the lock file as it is", async () => {
    const repo = await repoWith({ "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"), "hook.sh": "echo\n" });
    const result = await paved(repo, ["--json", "shell", "--dry-run", "--nixpkgs", repo.nixpkgs]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { command: string[]; source: unknown };
    expect(plan.command).toContain("--no-update-lock-file");
    expect(plan.command.at(-1)).toMatch(/^path:\/.*\/source#default$/);
    expect(plan.source).toEqual({ tree: 2 });
    const text = await paved(repo, ["shell", "--dry-run", "--nixpkgs", repo.nixpkgs]);
    expect(text.stdout).toContain("Nix would get a tree of the 2 files this shell can read");
    repo.write("flake.nix", flake("HOOK = builtins.readFile ./hook.sh; SRC = ./.;"));
    const whole = await paved(repo, ["shell", "--dry-run", "--nixpkgs", repo.nixpkgs]);
    expect(whole.stdout).toMatch(
      /Nix would copy the checkout: it depends on every tracked file \(flake\.nix:\d+:\d+: \.\/\.\)/,
    );
    expect(repo.nixCalls()).toEqual([]);
  });
});
