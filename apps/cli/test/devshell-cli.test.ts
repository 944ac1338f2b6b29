import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";

let nixpkgs: string;
const env = nixTestEnv();

function repo(files: Record<string, string>, git = true): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-cli-devshell-"));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  if (git) execFileSync("git", ["init", "-q", dir]);
  return dir;
}

beforeAll(async () => {
  requireTool("nix");
  requireTool("git");
  nixpkgs = await fixtureNixpkgs();
});

describe("paved init and paved shell add/remove through the bundled CLI", () => {
  it("init --yes --json explains each choice, writes the files and git add -N's them", async () => {
    const dir = repo({ ".nvmrc": "22\n", "package.json": JSON.stringify({ packageManager: "pnpm@10.20.0" }) });
    const run = await paved(["init", "--yes", "--json", "--nixpkgs", nixpkgs], { cwd: dir, env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const data = JSON.parse(run.stdout) as {
      detected: {
        shells: { name: string; choices: { toolchain: string; attr: string; from: string; because: string }[] }[];
      };
      intentToAdd: string[];
      verification: { versions: Record<string, string> };
    };
    const node = data.detected.shells[0]!.choices.find((c) => c.toolchain === "node")!;
    expect(node).toMatchObject({ attr: "nodejs_22", from: ".nvmrc:1" });
    expect(node.because).toContain(".nvmrc");
    expect(data.verification.versions.nodejs_22).toMatch(/^22\./);
    expect(data.intentToAdd.sort()).toEqual([".envrc", "flake.nix", "paved.yaml"]);
    const again = await paved(["init", "--yes"], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("unchanged flake.nix");
  });

  it("init --dry-run prints a diff and writes nothing", async () => {
    const dir = repo({ "go.mod": "module x\n\ngo 1.25\n" });
    const run = await paved(["init", "--dry-run"], { cwd: dir, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("+++ b/flake.nix");
    expect(run.stdout).toContain("pkgs.go_1_26");
    expect(existsSync(join(dir, "flake.nix"))).toBe(false);
    expect(existsSync(join(dir, "paved.yaml"))).toBe(false);
  });

  it("init outside a git repository fails with E_NOT_GIT_REPO (exit 3)", async () => {
    const dir = repo({ ".nvmrc": "22\n" }, false);
    const run = await paved(["init", "--yes"], { cwd: dir, env });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("E_NOT_GIT_REPO");
  });

  it("init names an invalid package.json with line and column", async () => {
    const dir = repo({ "package.json": '{\n  "engines": { "node": 22, }\n}\n' });
    const run = await paved(["init", "--yes"], { cwd: dir, env });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/E_MARKER_PARSE.*package\.json:2:\d+/);
    expect(existsSync(join(dir, "paved.yaml"))).toBe(false);
  });

  it("shell add rejects a typo with near matches; add and remove re-render the flake", async () => {
    const dir = repo({ ".nvmrc": "22\n" });
    expect((await paved(["init", "--yes", "--nixpkgs", nixpkgs], { cwd: dir, env })).code).toBe(0);
    const typo = await paved(["shell", "add", "helo", "--nixpkgs", nixpkgs], { cwd: dir, env });
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain("did you mean hello");
    const add = await paved(["shell", "add", "hello", "--nixpkgs", nixpkgs], { cwd: dir, env });
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/added hello 2\.\d+\.\d+ to shell default/);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("pkgs.hello");
    const remove = await paved(["shell", "remove", "hello"], { cwd: dir, env });
    expect(remove.code).toBe(0);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).not.toContain("pkgs.hello");
  });
});
