// direnv through the .envrc paved writes: real direnv, real nix, the bundled paved on PATH (and, for the fallback,
// not on PATH). The warm path runs neither paved nor Nix; a miss keeps the last environment (STALE) and evaluates
// in the background; the next prompt switches.
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { renderEnvrc, stampKey } from "@paved/devshell";
import { makeShellRepo, pavedBin, run, type ShellRepo } from "./_shellrepo.ts";

beforeAll(() => {
  requireTool("nix");
  requireTool("direnv");
  requireTool("git");
});

function direnv(repo: ShellRepo, args: string[], env: NodeJS.ProcessEnv = repo.env) {
  return run(["direnv", ...args], { cwd: repo.root, env });
}

async function allow(repo: ShellRepo, envrc: string, env?: NodeJS.ProcessEnv) {
  writeFileSync(join(repo.root, ".envrc"), envrc);
  const allowed = await direnv(repo, ["allow", repo.root], env);
  expect(allowed.code).toBe(0);
}

/** The `.envrc`'s directory in paved's cache. */
const stampDir = (repo: ShellRepo) => join(repo.cacheDir, "direnv", repo.root, stampKey({ nixpkgsPath: repo.nixpkgs }));

/** Waits for the background evaluation the last load started (its lock is gone and it left a result). */
async function backgroundDone(repo: ShellRepo, since: number): Promise<void> {
  const dir = stampDir(repo);
  for (let i = 0; i < 600; i++) {
    const stamp = statSync(join(dir, "stamp"), { throwIfNoEntry: false });
    const failed = statSync(join(dir, "failed.json"), { throwIfNoEntry: false });
    const finished = (stamp && stamp.mtimeMs > since) || (failed && failed.mtimeMs > since);
    if (finished && !existsSync(join(dir, "lock"))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `the background evaluation did not finish; log:\n${readFileSync(join(dir, "background.log"), "utf8")}`,
  );
}

/** Waits until no input is younger than paved's two-second racy window, so the stamp can vouch for all of them. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_100));

/** A load the stamp answers: no paved process, no nix process. */
async function expectWarm(repo: ShellRepo, args: string[]) {
  const paved = repo.pavedCalls().length;
  const nix = repo.nixCalls().length;
  const result = await direnv(repo, args);
  expect(result.code).toBe(0);
  expect(repo.pavedCalls().length).toBe(paved);
  expect(repo.nixCalls().length).toBe(nix);
  return result;
}

describe("direnv with paved installed", () => {
  it("first entry waits with progress; then the stamp serves it with no paved and no nix process", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));

    const first = await direnv(repo, [
      "exec",
      repo.root,
      "sh",
      "-c",
      'hello --version; echo "shell=$PAVED_SHELL hook=$HOOK_RAN"',
    ]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/paved: evaluating the default shell with Nix \(nothing cached yet\)/);
    expect(first.stdout).toContain("hello 2.12.2");
    expect(first.stdout).toContain("shell=default hook=1");
    expect(repo.nixCalls().some((line) => line.includes("print-dev-env --json"))).toBe(true);

    await settle();
    // Within the racy window the stamp says "ask paved"; paved checks the content and writes a stamp it can trust.
    expect((await direnv(repo, ["exec", repo.root, "true"])).code).toBe(0);
    const warm = await expectWarm(repo, [
      "exec",
      repo.root,
      "sh",
      "-c",
      'hello --version; echo "hook=$HOOK_RAN stale=${PAVED_SHELL_STALE:-no}"',
    ]);
    expect(warm.stdout).toContain("hello 2.12.2");
    expect(warm.stdout).toContain("hook=1 stale=no");
  });

  it("a miss keeps the last environment (STALE), evaluates in the background and switches at the next prompt with a notice", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    const exportJson = async (env: NodeJS.ProcessEnv) => {
      const result = await direnv(repo, ["export", "json"], env);
      expect(result.code).toBe(0);
      return {
        stderr: result.stderr,
        vars: result.stdout.trim() === "" ? undefined : (JSON.parse(result.stdout) as Record<string, string | null>),
      };
    };
    const apply = (base: NodeJS.ProcessEnv, vars: Record<string, string | null>) => {
      const next: NodeJS.ProcessEnv = { ...base };
      for (const [key, value] of Object.entries(vars))
        if (value === null) delete next[key];
        else next[key] = value;
      return next;
    };
    const loaded = await exportJson(repo.env);
    expect(loaded.vars?.PAVED_SHELL).toBe("default");
    let inShell = apply(repo.env, loaded.vars!);
    // Nothing changed: direnv's own watch check does not even run the .envrc.
    expect((await exportJson(inShell)).vars).toBeUndefined();

    // An unrelated file: not watched, no reload.
    const later = new Date(Date.now() + 5_000);
    repo.write("services/api/main.txt", "changed\n");
    utimesSync(join(repo.root, "services/api/main.txt"), later, later);
    expect((await exportJson(inShell)).vars).toBeUndefined();

    // An input: direnv reloads at once with the last environment, STALE, and the prompt does not wait for Nix.
    const before = Date.now();
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    // direnv compares watched mtimes in whole seconds: make the edit visibly later, as a real edit a moment on is.
    utimesSync(join(repo.root, "nix/tools.nix"), later, later);
    const stale = await exportJson(inShell);
    expect(stale.stderr).toMatch(/paved: nix\/tools\.nix changed; evaluating in the background .*STALE/);
    expect(stale.vars?.PAVED_SHELL_STALE).toMatch(/^\d{4}-/);
    expect(stale.vars?.PATH ?? inShell.PATH).not.toMatch(/-uv-0\.9\.9\/bin/);
    inShell = apply(inShell, stale.vars!);

    // The background run finishes; its new stamp is watched, so the next prompt reloads into the new environment.
    await backgroundDone(repo, before);
    const switched = await exportJson(inShell);
    expect(switched.stderr).toMatch(/paved: switched to the new default environment \(nix\/tools\.nix changed\)/);
    expect(switched.vars?.PATH).toMatch(/-uv-0\.9\.9\/bin/);
    expect(switched.vars).toHaveProperty("PAVED_SHELL_STALE", null);
  });

  it("a warm load (stamp and cached watch list, no paved) still reloads when an input changes", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    expect((await direnv(repo, ["exec", repo.root, "true"])).code).toBe(0);
    await settle();
    expect((await direnv(repo, ["exec", repo.root, "true"])).code).toBe(0);
    // Two warm loads: the first records direnv's watch list, the second reuses it.
    await expectWarm(repo, ["exec", repo.root, "true"]);
    expect(existsSync(join(stampDir(repo), "watches"))).toBe(true);
    const warm = await expectWarm(repo, ["export", "json"]);
    const vars = JSON.parse(warm.stdout) as Record<string, string | null>;
    expect(vars.PAVED_SHELL).toBe("default");
    const inShell: NodeJS.ProcessEnv = { ...repo.env };
    for (const [key, value] of Object.entries(vars))
      if (value === null) delete inShell[key];
      else inShell[key] = value;
    expect((await direnv(repo, ["export", "json"], inShell)).stdout.trim()).toBe("");
    const later = new Date(Date.now() + 5_000);
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    utimesSync(join(repo.root, "nix/tools.nix"), later, later);
    const reloaded = await direnv(repo, ["export", "json"], { ...inShell, PAVED_DIRENV_WAIT: "1" });
    expect(reloaded.code).toBe(0);
    expect((JSON.parse(reloaded.stdout) as Record<string, string>).PATH).toMatch(/-uv-0\.9\.9\/bin/);
  });

  it("a stamp never says warm for a changed input: same size with the old mtime, a file renamed over it, an edit right away", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    const wait = { ...repo.env, PAVED_DIRENV_WAIT: "1" };
    const hook = async () =>
      (await direnv(repo, ["exec", repo.root, "sh", "-c", "command -v uv || echo no-uv"], wait)).stdout.trim();
    expect(await hook()).toBe("no-uv");
    await settle();
    await direnv(repo, ["exec", repo.root, "true"]);
    await expectWarm(repo, ["exec", repo.root, "true"]);

    // Same size, and the modification time put back: only the change time and the content tell.
    const file = join(repo.root, "nix/tools.nix");
    const old = statSync(file);
    const sameSize = "{ pkgs }: [ pkgs.uv    ]\n";
    expect(sameSize.length).toBe(readFileSync(file, "utf8").length);
    writeFileSync(file, sameSize);
    utimesSync(file, old.atime, old.mtime);
    expect(await hook()).toMatch(/-uv-0\.9\.9\/bin\/uv$/);

    // A file renamed over the input, carrying an old mtime: a new inode.
    await settle();
    await direnv(repo, ["exec", repo.root, "true"]);
    await expectWarm(repo, ["exec", repo.root, "true"]);
    const replacement = join(repo.root, "tools.tmp");
    writeFileSync(replacement, "{ pkgs }: [ pkgs.hello ]\n");
    utimesSync(replacement, old.atime, old.mtime);
    renameSync(replacement, file);
    expect(await hook()).toBe("no-uv");

    // Edited immediately after the stamp was written: a racy stat is never trusted.
    writeFileSync(file, "{ pkgs }: [ pkgs.uv ]\n");
    expect(await hook()).toMatch(/-uv-0\.9\.9\/bin\/uv$/);
    writeFileSync(file, "{ pkgs }: [ pkgs.jq ]\n");
    expect(await hook()).toBe("no-uv");
  });

  it("an .envrc that asks for another shell never reuses the first one's stamp", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    await direnv(repo, ["exec", repo.root, "true"]);
    await settle();
    await direnv(repo, ["exec", repo.root, "true"]);
    await expectWarm(repo, ["exec", repo.root, "true"]);
    await allow(repo, renderEnvrc({ shell: "api", nixpkgsPath: repo.nixpkgs }));
    const api = await direnv(repo, [
      "exec",
      repo.root,
      "sh",
      "-c",
      'echo "shell=$PAVED_SHELL"; command -v hello || echo no-hello',
    ]);
    expect(api.code).toBe(0);
    expect(api.stdout).toContain("shell=api");
    expect(api.stdout).toContain("no-hello");
  });

  it("a different nix on PATH is not warm", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    await direnv(repo, ["exec", repo.root, "true"]);
    await settle();
    await direnv(repo, ["exec", repo.root, "true"]);
    await expectWarm(repo, ["exec", repo.root, "true"]);
    // Another nix binary first on PATH (a copy of the recording wrapper): the stamp sends the load to paved.
    const other = mkdtempSync(join(tmpdir(), "paved-other-nix-"));
    writeFileSync(
      join(other, "nix"),
      readFileSync(join(repo.path.split(":")[0]!, "nix"), "utf8").replace("#!/bin/sh\n", "#!/bin/sh\n# another nix\n"),
    );
    chmodSync(join(other, "nix"), 0o755);
    const calls = repo.pavedCalls().length;
    const result = await direnv(repo, ["exec", repo.root, "true"], {
      ...repo.env,
      PATH: `${other}:${repo.env.PATH}`,
      PAVED_DIRENV_WAIT: "1",
    });
    expect(result.code).toBe(0);
    expect(repo.pavedCalls().length).toBeGreaterThan(calls);
  });

  it("a broken flake keeps the last good environment with the located error, and evaluates once per state, not per prompt", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    expect((await direnv(repo, ["exec", repo.root, "hello", "--version"])).code).toBe(0);
    const before = Date.now();
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello (\n");
    const stale = await direnv(repo, [
      "exec",
      repo.root,
      "sh",
      "-c",
      'hello --version; echo "stale=$PAVED_SHELL_STALE"',
    ]);
    expect(stale.stdout).toContain("hello 2.12.2");
    expect(stale.stdout).toMatch(/stale=\d{4}-/);
    expect(stale.stderr).toMatch(/STALE/);
    await backgroundDone(repo, before);
    const evaluations = repo.nixCalls().filter((line) => line.includes("print-dev-env")).length;
    const failed = await direnv(repo, [
      "exec",
      repo.root,
      "sh",
      "-c",
      'hello --version; echo "stale=$PAVED_SHELL_STALE"',
    ]);
    expect(failed.stdout).toContain("hello 2.12.2");
    expect(failed.stdout).toMatch(/stale=\d{4}-/);
    expect(failed.stderr).toMatch(/STALE environment from .*evaluation failed/);
    expect(failed.stderr).toMatch(
      new RegExp(`${join(repo.root, "nix/tools.nix").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`),
    );
    // The failure holds until an input changes: no new evaluation for the same broken state.
    await direnv(repo, ["exec", repo.root, "true"]);
    expect(repo.nixCalls().filter((line) => line.includes("print-dev-env")).length).toBe(evaluations);
  });

  it("a YAML typo in paved.yaml keeps the last good environment, STALE, with paved.yaml:line:col", async () => {
    const repo = await makeShellRepo({ pavedYaml: () => "version: 1\nshells:\n  default: {}\n" });
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    const first = await direnv(repo, ["exec", repo.root, "hello", "--version"]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    repo.write("paved.yaml", "shells:\n  default: {\n    bad: [\n");
    const result = await direnv(repo, [
      "exec",
      repo.root,
      "sh",
      "-c",
      'hello --version; echo "stale=$PAVED_SHELL_STALE"',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("hello 2.12.2");
    expect(result.stdout).toMatch(/stale=\d{4}-/);
    expect(result.stderr).toMatch(/STALE/);
    expect(result.stderr).toMatch(/paved\.yaml:\d+:\d+/);
  });

  it("the export (without a stamp directory) watches every recorded input file", async () => {
    const repo = await makeShellRepo();
    const exported = await run([process.execPath, pavedBin, "direnv-export", "--nixpkgs", repo.nixpkgs], {
      cwd: repo.root,
      env: repo.env,
    });
    expect(exported.code).toBe(0);
    const watchLine = exported.stdout.split("\n").find((line) => line.startsWith("watch_file ")) ?? "";
    for (const file of ["flake.nix", "flake.lock", "paved.yaml", "nix/tools.nix"])
      expect(watchLine.split(" ")).toContain(join(repo.root, file));
    expect(exported.stdout).toContain('eval "${shellHook:-}"');
  });
});

describe("direnv when paved fails or is missing", () => {
  /** PATH with a `paved` that crashes in front of the real one. */
  function crashingPaved(repo: ShellRepo): NodeJS.ProcessEnv {
    const dir = mkdtempSync(join(tmpdir(), "paved-crash-"));
    writeFileSync(join(dir, "paved"), "#!/bin/sh\necho 'paved: internal error (simulated crash)' >&2\nexit 70\n");
    chmodSync(join(dir, "paved"), 0o755);
    return { ...repo.env, PATH: `${dir}:${repo.env.PATH}` };
  }

  it("a crash with no earlier environment says loudly that the toolchain is missing", async () => {
    const repo = await makeShellRepo();
    const env = crashingPaved(repo);
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }), env);
    const result = await direnv(repo, ["exec", repo.root, "sh", "-c", 'echo "shell=${PAVED_SHELL:-none}"'], env);
    expect(result.stderr).toContain("simulated crash");
    expect(result.stderr).toMatch(/does NOT have the project's toolchain/);
    expect(result.stdout).toContain("shell=none");
  });

  it("a crash after an earlier environment keeps it, loudly STALE", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    expect((await direnv(repo, ["exec", repo.root, "true"])).code).toBe(0);
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    const env = crashingPaved(repo);
    const result = await direnv(
      repo,
      ["exec", repo.root, "sh", "-c", 'hello --version; echo "stale=${PAVED_SHELL_STALE:-no}"'],
      env,
    );
    expect(result.stderr).toContain("simulated crash");
    expect(result.stderr).toMatch(/keeping the last environment, STALE/);
    expect(result.stdout).toContain("hello 2.12.2");
    expect(result.stdout).toContain("stale=failed");
  });

  it("without paved on PATH it says so and falls back to direnv's own use flake with the nixpkgs override", async () => {
    const repo = await makeShellRepo();
    const dirs = (repo.env.PATH ?? "").split(":").filter((dir) => !existsSync(join(dir, "paved")));
    const withoutPaved: NodeJS.ProcessEnv = { ...repo.env, PATH: dirs.join(":") };
    const hasPaved = await run(["sh", "-c", "command -v paved || echo none"], { cwd: repo.root, env: withoutPaved });
    expect(hasPaved.stdout.trim()).toBe("none");
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }), withoutPaved);
    const result = await direnv(
      repo,
      ["exec", repo.root, "sh", "-c", 'hello --version; echo "shell=${PAVED_SHELL:-none}"'],
      withoutPaved,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/paved is not on PATH/);
    expect(result.stdout).toContain("hello 2.12.2");
    expect(result.stdout).toContain("shell=none");
  });
});
