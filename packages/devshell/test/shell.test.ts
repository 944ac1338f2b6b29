// `paved shell` end to end: the real bundled CLI, real nix (through a wrapper that records each call), the fixture
// nixpkgs passed with --nixpkgs.
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { checkoutId } from "@paved/devshell";
import { FLAKE, makeShellRepo, paved, pavedBin, run, TOOLS, type ShellRepo } from "./_shellrepo.ts";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  requireTool("bash");
});

const printDevEnvCalls = (repo: ShellRepo) => repo.nixCalls().filter((line) => line.includes("print-dev-env"));

describe("paved shell -- CMD", () => {
  let repo: ShellRepo;
  beforeAll(async () => {
    repo = await makeShellRepo();
  });

  it("runs the command with the pinned tools first on PATH, after the shell hook, and returns its exit code", async () => {
    const script =
      'hello --version; echo "hook=$HOOK_RAN sees=$HOOK_SEES_HELLO"; echo "greeting=$GREETING"; echo "path1=${PATH%%:*}"; exit 7';
    const result = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "bash", "-c", script]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(7);
    expect(result.stdout).toContain("hello 2.12.2");
    expect(result.stdout).toMatch(/hook=1 sees=\/nix\/store\/[a-z0-9]{32}-hello-2\.12\.2\/bin\/hello/);
    expect(result.stdout).toContain(`greeting=it's "quoted" $HOME`);
    expect(result.stdout).toMatch(/path1=\/nix\/store\/[a-z0-9]{32}-hello-2\.12\.2\/bin\n/);
    // The user's PATH follows the shell's entries.
    const inner = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "printenv", "PATH"]);
    expect(inner.stdout.trim().endsWith(repo.path)).toBe(true);
  });

  it("passes arguments through untouched (no shell re-quoting)", async () => {
    const result = await paved(repo, [
      "shell",
      "--nixpkgs",
      repo.nixpkgs,
      "--",
      "printf",
      "[%s]",
      "a b",
      "$HOME",
      "'q'",
      "",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("[a b][$HOME]['q'][]");
  });

  it("a warm entry runs no nix process at all; editing an imported .nix file re-evaluates", async () => {
    await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    const before = repo.nixCalls().length;
    const warm = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "hello", "--version"]);
    expect(warm.code).toBe(0);
    expect(warm.stdout).toContain("hello 2.12.2");
    expect(repo.nixCalls().length).toBe(before);

    // uv is not in the shell yet.
    const missing = await paved(repo, [
      "shell",
      "--nixpkgs",
      repo.nixpkgs,
      "--",
      "sh",
      "-c",
      "command -v uv || echo none",
    ]);
    expect(missing.stdout.trim()).toBe("none");
    expect(repo.nixCalls().length).toBe(before);

    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    const cold = await paved(repo, ["--json", "shell", "--nixpkgs", repo.nixpkgs, "--", "uv", "--version"]);
    expect(cold.code).toBe(0);
    // With --json the command's output goes to stderr; stdout is the JSON document alone.
    expect(cold.stderr).toContain("uv 0.9.9");
    // It says why it evaluated again.
    expect(JSON.parse(cold.stdout)).toMatchObject({ cache: "miss", why: ["nix/tools.nix changed"] });
    expect(printDevEnvCalls(repo).length).toBeGreaterThan(0);
    const afterEdit = repo.nixCalls().length;
    expect(afterEdit).toBeGreaterThan(before);

    // Back to the old content: the earlier environment is still cached, so no evaluation.
    repo.write("nix/tools.nix", TOOLS);
    const back = await paved(repo, [
      "shell",
      "--nixpkgs",
      repo.nixpkgs,
      "--",
      "sh",
      "-c",
      "command -v uv || echo none",
    ]);
    expect(back.stdout.trim()).toBe("none");
    expect(repo.nixCalls().length).toBe(afterEdit);
  });

  it("a new tracked file the flake never reads costs a git call on the next entry, not an evaluation", async () => {
    await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    const before = printDevEnvCalls(repo).length;
    // The git index changes, so paved lists the tracked files again; the read set is the same, so it stays warm.
    repo.write("nix/extra.nix", "{ }\n");
    repo.git("add", "nix/extra.nix");
    const result = await paved(repo, ["--json", "shell", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).cache).toBe("hit");
    expect(printDevEnvCalls(repo).length).toBe(before);
    repo.git("update-index", "--really-refresh");
    await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(printDevEnvCalls(repo).length).toBe(before);
  });

  it("a cold entry runs one nix process once the binary's version is known, like nix develop", async () => {
    const fresh = await makeShellRepo();
    await paved(fresh, ["shell", "--nixpkgs", fresh.nixpkgs, "--", "true"]);
    expect(fresh.nixCalls().filter((line) => line.includes("--version")).length).toBe(1);
    const before = fresh.nixCalls().length;
    fresh.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    const cold = await paved(fresh, ["shell", "--nixpkgs", fresh.nixpkgs, "--", "uv", "--version"]);
    expect(cold.code).toBe(0);
    expect(fresh.nixCalls().slice(before)).toEqual([expect.stringContaining("print-dev-env --json")]);
  });

  it("NIX_BUILD_TOP and TMPDIR are a fresh directory for the command, removed when it ends", async () => {
    const result = await paved(repo, [
      "shell",
      "--nixpkgs",
      repo.nixpkgs,
      "--",
      "sh",
      "-c",
      'test -d "$NIX_BUILD_TOP" && test "$TMPDIR" = "$NIX_BUILD_TOP" && echo "$NIX_BUILD_TOP"',
    ]);
    expect(result.code).toBe(0);
    const dir = result.stdout.trim();
    expect(dir).toMatch(/nix-shell\./);
    expect(existsSync(dir)).toBe(false);
  });

  it("--refresh evaluates again even when the cache is warm", async () => {
    const before = printDevEnvCalls(repo).length;
    const result = await paved(repo, ["--json", "shell", "--refresh", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).cache).toBe("refresh");
    expect(printDevEnvCalls(repo).length).toBe(before + 1);
  });

  it("names a shell explicitly and says so in --json", async () => {
    const result = await paved(repo, ["--json", "shell", "api", "--nixpkgs", repo.nixpkgs, "--", "uv", "--version"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("uv 0.9.9");
    const data = JSON.parse(result.stdout);
    expect(data).toMatchObject({ shell: "api", reason: "argument", root: repo.root, nixpkgs: repo.nixpkgs });
  });

  it("a mistyped flag is a usage error (exit 2) with a suggestion, and nothing runs", async () => {
    const calls = repo.nixCalls().length;
    const result = await paved(repo, ["shell", "--stale-okk", "--", "touch", "ran"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/E_USAGE.*--stale-okk.*did you mean --stale-ok/);
    expect(existsSync(join(repo.root, "ran"))).toBe(false);
    expect(repo.nixCalls().length).toBe(calls);
  });

  it("an unknown shell is E_SHELL_UNKNOWN with exit code 3 (docs/cli.md), and nothing is cached for it", async () => {
    const result = await paved(repo, ["shell", "nosuch", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/E_SHELL_UNKNOWN.*nosuch/);
    const checkout = readdirSync(join(repo.cacheDir, "shells"))[0]!;
    const slots = readdirSync(join(repo.cacheDir, "shells", checkout)).filter((slot) => slot.startsWith("nosuch"));
    for (const slot of slots) expect(readdirSync(join(repo.cacheDir, "shells", checkout, slot))).toEqual([]);
  });
});

describe("paved shell (interactive)", () => {
  let repo: ShellRepo;
  beforeAll(async () => {
    repo = await makeShellRepo();
  });

  it("starts the user's own $SHELL with the environment after the shell hook, and returns its exit code", async () => {
    for (const shell of ["/bin/sh", "/bin/bash"]) {
      const script = 'hello --version; echo "hook=$HOOK_RAN shell=$PAVED_SHELL login=$SHELL"; exit 3\n';
      const result = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs], repo.root, {
        input: script,
        env: { SHELL: shell },
      });
      expect(result.code).toBe(3);
      expect(result.stdout).toContain("hello 2.12.2");
      expect(result.stdout).toContain(`hook=1 shell=default login=${shell}`);
    }
  });

  it("gives every shell its own TMPDIR and removes it when the shell ends, as nix develop does", async () => {
    const tmp = join(repo.root, ".tmp-for-shells");
    mkdirSync(tmp);
    const report = 'echo "tmp=$TMPDIR"; test -d "$TMPDIR" && echo made; exit 0\n';
    const runs = [
      { args: ["shell", "--nixpkgs", repo.nixpkgs], input: report, shell: "/bin/sh" },
      { args: ["shell", "--nixpkgs", repo.nixpkgs], input: report, shell: "/bin/bash" },
      { args: ["shell", "--nixpkgs", repo.nixpkgs, "--", "bash", "-c", report], shell: "/bin/sh" },
    ];
    for (const { args, input, shell } of runs) {
      const result = await paved(repo, args, repo.root, { input, env: { SHELL: shell, TMPDIR: tmp } });
      expect(result.code, result.stderr).toBe(0);
      const used = /tmp=(\S+)/.exec(result.stdout)?.[1];
      expect(used?.startsWith(`${tmp}/nix-shell.`), `${args.join(" ")}: ${result.stdout}`).toBe(true);
      expect(result.stdout).toContain("made");
      expect(readdirSync(tmp), `${args.join(" ")} with SHELL=${shell} left its TMPDIR`).toEqual([]);
    }
  });

  it("on a terminal, bash reads ~/.bashrc first and keeps the environment's functions, like nix develop", async () => {
    requireTool("script");
    writeFileSync(join(repo.env.HOME!, ".bashrc"), "export FROM_BASHRC=yes\nexport HOOK_RAN=overwritten-by-hook\n");
    // util-linux `script` gives paved a pseudo-terminal, so this is the interactive path a person gets.
    const line = `${process.execPath} ${pavedBin} shell --nixpkgs ${repo.nixpkgs}`;
    const input = 'echo "bashrc=$FROM_BASHRC hook=$HOOK_RAN"; type -t genericBuild; hello --version; exit 6\n';
    const result = await run(["script", "-qec", line, "/dev/null"], {
      cwd: repo.root,
      env: { ...repo.env, SHELL: "/bin/bash" },
      input,
    });
    expect(result.code).toBe(6);
    expect(result.stdout).toContain("bashrc=yes hook=1");
    expect(result.stdout).toMatch(/\bfunction\b/);
    expect(result.stdout).toContain("hello 2.12.2");
  });

  it("--dry-run says whether the cache is warm and which nix command a miss would run, and runs nothing", async () => {
    const fresh = await makeShellRepo();
    const miss = await paved(fresh, ["--json", "shell", "--dry-run", "--nixpkgs", fresh.nixpkgs, "--", "hello"]);
    expect(miss.code).toBe(0);
    const plan = JSON.parse(miss.stdout);
    expect(plan).toMatchObject({ cache: "miss", shell: "default", run: ["hello"] });
    expect(plan.command).toEqual(
      expect.arrayContaining([
        "print-dev-env",
        "--json",
        "--override-input",
        "nixpkgs",
        `path:${fresh.nixpkgs}`,
        `${fresh.root}#default`,
      ]),
    );
    expect(fresh.nixCalls()).toEqual([]);
    await paved(fresh, ["shell", "--nixpkgs", fresh.nixpkgs, "--", "true"]);
    const calls = fresh.nixCalls().length;
    const hit = await paved(fresh, ["shell", "--dry-run", "--nixpkgs", fresh.nixpkgs]);
    expect(hit.stdout).toMatch(/cache hit/);
    expect(fresh.nixCalls().length).toBe(calls);
  });
});

describe("stale fallback", () => {
  it("a broken flake fails with the reason and offers the last good environment; --stale-ok uses it, marked stale", async () => {
    const repo = await makeShellRepo();
    const good = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(good.code).toBe(0);
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.doesNotExist ]\n");

    const failed = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "hello", "--version"]);
    expect(failed.code).toBe(4);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/E_NIX_EVAL/);
    expect(failed.stderr).toMatch(/doesNotExist/);
    expect(failed.stderr).toMatch(/last good environment/);
    expect(failed.stderr).toMatch(/--stale-ok/);

    const stale = await paved(repo, [
      "shell",
      "--stale-ok",
      "--nixpkgs",
      repo.nixpkgs,
      "--",
      "sh",
      "-c",
      'hello --version; echo "stale=$PAVED_SHELL_STALE"',
    ]);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain("hello 2.12.2");
    expect(stale.stdout).toMatch(/stale=\d{4}-\d\d-\d\dT/);
    expect(stale.stderr).toMatch(/STALE/);
  });

  it("without any earlier environment there is nothing to fall back to", async () => {
    const repo = await makeShellRepo();
    repo.write("flake.nix", "{ outputs = { self }: {\n");
    const failed = await paved(repo, ["shell", "--stale-ok", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(failed.code).toBe(4);
    expect(failed.stderr).not.toMatch(/last good environment/);
  });
});

describe("GC roots and paved gc", () => {
  it("roots the captured environment, and gc removes the environment and root of a deleted checkout", async () => {
    const repo = await makeShellRepo();
    const live = await makeShellRepo();
    // An environment no other test shares, so deleting its store path below touches nothing else.
    repo.write("flake.nix", FLAKE.replace("GREETING =", `MARKER = "${randomUUID()}"; GREETING =`));
    expect((await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "true"])).code).toBe(0);
    expect((await paved(live, ["shell", "--nixpkgs", live.nixpkgs, "--", "true"], live.root)).code).toBe(0);
    // Both use one cache for this test.
    live.env.PAVED_CACHE_DIR = repo.cacheDir;
    expect((await paved(live, ["shell", "--nixpkgs", live.nixpkgs, "--", "true"], live.root)).code).toBe(0);

    const shells = join(repo.cacheDir, "shells");
    const checkoutDir = join(shells, checkoutId(repo.root));
    expect(existsSync(checkoutDir)).toBe(true);
    const profileLinks = findProfileLinks(repo.cacheDir);
    expect(profileLinks.length).toBe(2);
    for (const link of profileLinks) expect(readlinkSync(link)).toMatch(/^\/nix\/store\/[a-z0-9]{32}-nix-shell-env$/);
    const roots = nixRoots(repo);
    for (const link of profileLinks) expect(roots).toContain(link);
    const doomed = readlinkSync(environmentLink(checkoutDir));
    expect(doomed).toMatch(/-nix-shell-env$/);
    // The root is what protects it: Nix refuses to delete a live path.
    const refused = deleteStorePath(repo, doomed);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/still alive/);

    // Each checkout has a stamp directory, as direnv's first load leaves it.
    for (const dir of [repo.root, live.root]) {
      mkdirSync(join(repo.cacheDir, "direnv", dir, "auto"), { recursive: true });
      writeFileSync(join(repo.cacheDir, "direnv", dir, "auto", "stamp"), "__paved_fresh() { return 2; }\n");
      writeFileSync(join(dir, ".envrc"), "");
    }
    rmSync(repo.root, { recursive: true, force: true });
    const dry = await paved(live, ["--json", "gc", "--dry-run"], live.root);
    expect(JSON.parse(dry.stdout).removed).toHaveLength(1);
    expect(findProfileLinks(repo.cacheDir)).toHaveLength(2);

    const gc = await paved(live, ["--json", "gc"], live.root);
    expect(gc.code).toBe(0);
    const data = JSON.parse(gc.stdout);
    expect(data.removed).toEqual([
      expect.objectContaining({ root: repo.root, reason: "checkout missing", environments: 1 }),
    ]);
    expect(data.kept).toEqual([expect.objectContaining({ root: live.root, environments: 1 })]);
    expect(existsSync(checkoutDir)).toBe(false);
    // direnv state goes with its .envrc's directory and stays while the .envrc does.
    expect(data.removedDirenv).toEqual([repo.root]);
    expect(existsSync(join(repo.cacheDir, "direnv", live.root, "auto", "stamp"))).toBe(true);
    const left = findProfileLinks(repo.cacheDir);
    expect(left).toHaveLength(1);
    const rootsAfter = nixRoots(repo);
    expect(rootsAfter).toContain(left[0]);
    for (const link of profileLinks.filter((l) => l !== left[0])) expect(rootsAfter).not.toContain(link);
    // Without its root the deleted checkout's environment is garbage: Nix deletes it now.
    const deleted = deleteStorePath(repo, doomed);
    expect(deleted.stderr).not.toMatch(/still alive/);
    expect(deleted.status).toBe(0);
    expect(existsSync(doomed)).toBe(false);
    // The surviving checkout is still warm.
    const calls = live.nixCalls().length;
    expect(
      (await paved(live, ["shell", "--nixpkgs", live.nixpkgs, "--", "hello", "--version"], live.root)).stdout,
    ).toContain("hello");
    expect(live.nixCalls().length).toBe(calls);
  });
});

function findProfileLinks(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^profile-\d+-link$/.test(entry.name)) found.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

/** The profile link (GC root) of a checkout's only shell's latest environment. */
function environmentLink(checkoutDir: string): string {
  const slot = join(checkoutDir, readdirSync(checkoutDir).find((d) => d !== "checkout.json")!);
  return join(slot, readFileSync(join(slot, "latest"), "utf8").trim(), "profile-1-link");
}

function deleteStorePath(repo: ShellRepo, path: string) {
  return spawnSync("nix-store", ["--delete", path], { env: repo.env, encoding: "utf8" });
}

/** What Nix itself counts as GC roots (`nix-store --gc --print-roots`): "link -> store path" lines. */
function nixRoots(repo: ShellRepo): string {
  // A machine that ran many rollouts lists more roots than execFileSync's default 1 MiB buffer holds.
  return execFileSync("nix-store", ["--gc", "--print-roots"], { env: repo.env, encoding: "utf8", maxBuffer: 1 << 28 });
}
