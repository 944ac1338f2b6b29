// direnv through the .envrc paved writes: real direnv, real nix, the bundled paved on PATH (and, for the fallback,
// not on PATH).
import { existsSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { renderEnvrc } from "@paved/devshell";
import { makeShellRepo, run, type ShellRepo } from "./_shellrepo.ts";

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

describe("direnv with paved installed", () => {
  it("loads the pinned tools from the cache, reloads after an imported file changes, and runs no nix when warm", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));

    const first = await direnv(repo, ["exec", repo.root, "sh", "-c", 'hello --version; echo "shell=$PAVED_SHELL hook=$HOOK_RAN"']);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("hello 2.12.2");
    expect(first.stdout).toContain("shell=default hook=1");
    // It went through paved, not `use flake`: the environment is in paved's cache.
    expect(repo.nixCalls().some((line) => line.includes("print-dev-env --json"))).toBe(true);

    const calls = repo.nixCalls().length;
    const warm = await direnv(repo, ["exec", repo.root, "hello", "--version"]);
    expect(warm.stdout).toContain("hello 2.12.2");
    expect(repo.nixCalls().length).toBe(calls);

    // direnv watches every input paved recorded, including the imported nix/tools.nix.
    const watches = await direnv(repo, ["exec", repo.root, "sh", "-c", "true"]);
    expect(watches.code).toBe(0);
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    const edited = await direnv(repo, ["exec", repo.root, "uv", "--version"]);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain("uv 0.9.9");
    expect(repo.nixCalls().length).toBeGreaterThan(calls);
  });

  it("reloads when an imported .nix file changes and not when an unrelated file does (direnv's own watch check)", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    const exportJson = async (env: NodeJS.ProcessEnv) => {
      const result = await direnv(repo, ["export", "json"], env);
      expect(result.code).toBe(0);
      return result.stdout.trim() === "" ? undefined : (JSON.parse(result.stdout) as Record<string, string | null>);
    };
    const loaded = await exportJson(repo.env);
    expect(loaded?.PAVED_SHELL).toBe("default");
    const inShell: NodeJS.ProcessEnv = { ...repo.env };
    for (const [key, value] of Object.entries(loaded!)) if (value === null) delete inShell[key]; else inShell[key] = value;
    expect(await exportJson(inShell)).toBeUndefined();

    const later = new Date(Date.now() + 5_000);
    repo.write("services/api/main.txt", "changed\n");
    utimesSync(join(repo.root, "services/api/main.txt"), later, later);
    expect(await exportJson(inShell)).toBeUndefined();

    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    utimesSync(join(repo.root, "nix/tools.nix"), later, later);
    const reloaded = await exportJson(inShell);
    expect(reloaded?.PATH).toMatch(/-uv-0\.9\.9\/bin/);
  });

  it("the export watches every recorded input file", async () => {
    const repo = await makeShellRepo();
    const exported = await run([process.execPath, (await import("./_shellrepo.ts")).pavedBin, "direnv-export", "--nixpkgs", repo.nixpkgs], {
      cwd: repo.root,
      env: repo.env,
    });
    expect(exported.code).toBe(0);
    for (const file of ["flake.nix", "flake.lock", "paved.yaml", "nix/tools.nix"]) {
      expect(exported.stdout).toContain(`watch_file ${join(repo.root, file)}`);
    }
    expect(exported.stdout).toContain('eval "${shellHook:-}"');
  });

  it("keeps the last good environment, loudly marked stale, when the flake breaks", async () => {
    const repo = await makeShellRepo();
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }));
    expect((await direnv(repo, ["exec", repo.root, "hello", "--version"])).code).toBe(0);
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello (\n");
    const stale = await direnv(repo, ["exec", repo.root, "sh", "-c", 'hello --version; echo "stale=$PAVED_SHELL_STALE"']);
    expect(stale.stdout).toContain("hello 2.12.2");
    expect(stale.stdout).toMatch(/stale=\d{4}-/);
    expect(stale.stderr).toMatch(/STALE/);
  });
});

describe("direnv without paved", () => {
  it("falls back to direnv's own use flake with the nixpkgs override", async () => {
    const repo = await makeShellRepo();
    const dirs = (repo.env.PATH ?? "").split(":").filter((dir) => !existsSync(join(dir, "paved")));
    const withoutPaved: NodeJS.ProcessEnv = { ...repo.env, PATH: dirs.join(":") };
    const hasPaved = await run(["sh", "-c", "command -v paved || echo none"], { cwd: repo.root, env: withoutPaved });
    expect(hasPaved.stdout.trim()).toBe("none");
    await allow(repo, renderEnvrc({ nixpkgsPath: repo.nixpkgs }), withoutPaved);
    const result = await direnv(repo, ["exec", repo.root, "sh", "-c", 'hello --version; echo "shell=${PAVED_SHELL:-none}"'], withoutPaved);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("hello 2.12.2");
    expect(result.stdout).toContain("shell=none");
  });
});
