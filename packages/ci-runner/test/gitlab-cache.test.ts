import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderCiFiles } from "@paved/ci-runner";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  requireTool("bash");
});

type Job = { script: string[]; before_script?: string[] };

/**
 * The GitLab pipeline's cache lines, run with the real Nix against a project whose dev shell holds `go`:
 * the save line fills the file:// cache only under pull-push, and the substituter line from before_script lets a
 * fresh store substitute from it.
 */
describe("GitLab store cache, with real Nix", () => {
  let project: string;
  let pipeline: Record<string, Job>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = nixTestEnv();
    project = await mkdtemp(join(tmpdir(), "paved-gl-cache-"));
    const nixpkgs = await fixtureNixpkgs();
    await writeFile(
      join(project, "flake.nix"),
      `{
  inputs.nixpkgs.url = "path:${nixpkgs}";
  outputs = { self, nixpkgs }: let pkgs = nixpkgs.legacyPackages.x86_64-linux; in {
    devShells.x86_64-linux.default = pkgs.mkShell { packages = [ pkgs.go ]; };
  };
}
`,
    );
    execFileSync("git", ["init", "-q"], { cwd: project });
    execFileSync("git", ["add", "-A"], { cwd: project });
    execFileSync("nix", ["flake", "lock"], { cwd: project, env, stdio: "pipe" });
    execFileSync("git", ["add", "-A"], { cwd: project });
    const files = renderCiFiles(project, {
      ci: { provider: "gitlab" },
      shells: { default: { toolchains: { go: { version: "1.25" } } } },
    });
    pipeline = parse(files[0]!.content) as Record<string, Job>;
  });

  const saveLine = () => pipeline["shell-default"]!.script.at(-1)!;
  const run = (line: string, policy: string) =>
    execFileSync("bash", ["-euo", "pipefail", "-c", line], {
      cwd: project,
      env: { ...env, CI_PROJECT_DIR: project, NIX_CACHE_POLICY: policy },
      stdio: "pipe",
    });
  const cached = async () =>
    (await readdir(join(project, ".nix-cache")).catch(() => [] as string[])).filter((f) => f.endsWith(".narinfo"));

  it("merge requests (policy pull) save nothing", async () => {
    run(saveLine(), "pull");
    expect(await cached()).toEqual([]);
  });

  it("default-branch pipelines (pull-push) save the dev shell's closure, and a fresh store substitutes from it", async () => {
    run(saveLine(), "pull-push");
    const names = await Promise.all((await cached()).map((f) => readFile(join(project, ".nix-cache", f), "utf8")));
    const go = names.map((text) => /^StorePath: (\S+)$/m.exec(text)?.[1]).find((p) => p && /-go-[\d.]+$/.test(p));
    expect(go).toBeDefined();

    // before_script's substituter line, with $CI_PROJECT_DIR expanded as the runner's shell would.
    const line = pipeline[".nix"]!.before_script!.find((l) => l.includes("extra-substituters"))!;
    const url = /extra-substituters = (\S+)"/.exec(line)![1]!.replace("$CI_PROJECT_DIR", project);
    const store = await mkdtemp(join(tmpdir(), "paved-gl-store-"));
    try {
      execFileSync("nix", ["build", "--store", store, "--option", "substituters", url, "--no-link", go!], {
        env,
        stdio: "pipe",
      });
      expect(await readdir(join(store, "nix/store"))).toContain(go!.slice("/nix/store/".length));
    } finally {
      await rm(store, { recursive: true, force: true }).catch(() => undefined);
    }
  });
});
