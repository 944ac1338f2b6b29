import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
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

type Step = { run?: string; "working-directory"?: string };

/**
 * The `run:` steps of a rendered GitHub workflow, executed as the runner would (bash, in the step's
 * working-directory) against a monorepo whose dev shells come from the fixture nixpkgs: real `nix flake check`
 * and real `nix develop .#NAME -c …`, including from a sub-directory and through `bash -c` for shell syntax.
 */
describe("GitHub workflow steps run with real Nix", () => {
  let repo: string;
  let jobs: Record<string, { steps: Step[] }>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = nixTestEnv();
    repo = await mkdtemp(join(tmpdir(), "paved-steps-"));
    await mkdir(join(repo, "services/api"), { recursive: true });
    await writeFile(
      join(repo, "flake.nix"),
      `{
  inputs.nixpkgs.url = "path:${await fixtureNixpkgs()}";
  outputs = { self, nixpkgs }: let pkgs = nixpkgs.legacyPackages.x86_64-linux; in {
    devShells.x86_64-linux.default = pkgs.mkShell { packages = [ pkgs.nodejs pkgs.pnpm ]; };
    devShells.x86_64-linux.api = pkgs.mkShell { packages = [ pkgs.go ]; };
  };
}
`,
    );
    execFileSync("git", ["init", "-q"], { cwd: repo });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    execFileSync("nix", ["flake", "lock"], { cwd: repo, env, stdio: "pipe" });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    const [file] = renderCiFiles(repo, {
      ci: {
        provider: "github",
        steps: { default: ["pnpm --version", "node --version | tee node-version.txt && test -s node-version.txt"] },
      },
      shells: {
        default: { toolchains: { pnpm: { version: "10" } } },
        api: { dir: "services/api", toolchains: { go: { version: "1.25" } } },
      },
    });
    jobs = (parse(file!.content) as { jobs: typeof jobs }).jobs;
  });

  function runJob(name: string): string[] {
    return jobs[name]!.steps.filter((s) => s.run).map((s) =>
      execFileSync("bash", ["-e", "-c", s.run!], {
        cwd: join(repo, s["working-directory"] ?? ""),
        env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }

  it("flake-check runs nix flake check", () => {
    expect(() => runJob("flake-check")).not.toThrow();
  });

  it("each shell's commands run inside its dev shell, in its directory", () => {
    const api = runJob("shell-api");
    // The fixture's go prints its version for `version`, and echoes other arguments.
    expect(api.join("\n")).toContain("vet ./...");
    expect(api.join("\n")).toContain("test ./...");
    const web = runJob("shell-default");
    expect(web.join("\n")).toMatch(/pnpm \d/);
    expect(web.join("\n")).toMatch(/node(js)? \d/);
  });

  it("a failing command fails its step", () => {
    const failing = jobs["shell-api"]!.steps.find((s) => s.run?.includes("go test"))!.run!.replace(
      "go test ./...",
      "bash -c 'exit 3'",
    );
    expect(() =>
      execFileSync("bash", ["-e", "-c", failing], { cwd: join(repo, "services/api"), env, stdio: "pipe" }),
    ).toThrow();
  });
});
