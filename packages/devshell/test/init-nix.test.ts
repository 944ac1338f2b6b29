/**
 * paved init end to end with the real nix: one generated monorepo flake shared by every `nix develop`
 * assertion (the evaluations are the slow part), against the fixture nixpkgs via --override-input.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isPavedError } from "@paved/core";
import { addPackages, devshellStatus, initProject, removePackages, syncDevshell } from "@paved/devshell";
import { FIXTURE_NIXPKGS_SOURCE, fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { json, makeRepo } from "./_repo.ts";

const fixtureVersions = JSON.parse(readFileSync(join(FIXTURE_NIXPKGS_SOURCE, "packages.json"), "utf8")) as Record<
  string,
  { version?: string }
>;
const env = nixTestEnv() as Record<string, string | undefined>;

function develop(dir: string, shell: string, cmd: string[], nixpkgs: string) {
  const result = spawnSync(
    "nix",
    [
      "develop",
      `${dir}#${shell}`,
      "--override-input",
      "nixpkgs",
      `path:${nixpkgs}`,
      "--no-write-lock-file",
      "-c",
      ...cmd,
    ],
    {
      env: env as NodeJS.ProcessEnv,
      encoding: "utf8",
    },
  );
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

const monorepo = {
  "package.json": json({ private: true, packageManager: "pnpm@10.20.0", workspaces: ["packages/*"] }),
  ".nvmrc": "22\n",
  "packages/web/package.json": json({ name: "web" }),
  "services/api/go.mod": "module example.com/api\n\ngo 1.24\n\ntoolchain go1.25.4\n",
  "infra/main.tf": 'terraform {\n  required_version = ">= 1.5"\n}\n',
};

let nixpkgs: string;
let repo: string;

beforeAll(async () => {
  requireTool("nix");
  requireTool("git");
  nixpkgs = await fixtureNixpkgs();
  repo = makeRepo(monorepo);
  await initProject({ dir: repo, nixpkgs, env });
});

describe("paved init on a monorepo, entered with real nix develop", () => {
  it("writes paved.yaml, flake.nix and .envrc and makes them visible to git", () => {
    for (const f of ["paved.yaml", "flake.nix", ".envrc", "services/api/.envrc"])
      expect(existsSync(join(repo, f))).toBe(true);
    const tracked = execFileSync("git", ["ls-files"], { cwd: repo, encoding: "utf8" }).split("\n");
    expect(tracked).toEqual(expect.arrayContaining(["paved.yaml", "flake.nix", ".envrc", "services/api/.envrc"]));
    // direnv reads the nearest .envrc: the sub-project's loads its own shell, falling back to `use flake ../..#api`.
    const apiEnvrc = readFileSync(join(repo, "services/api/.envrc"), "utf8");
    expect(apiEnvrc).toContain("direnv-export --shell api");
    expect(apiEnvrc).toContain("use flake '../..#api'");
    const flake = readFileSync(join(repo, "flake.nix"), "utf8");
    expect(flake).toContain('inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";');
    expect(flake).not.toMatch(/allowUnfree\s*=\s*true/);
  });

  it("the default shell has the pinned Node and pnpm", () => {
    const node = develop(repo, "default", ["node", "--version"], nixpkgs);
    expect(node.stderr).not.toMatch(/^error/m);
    expect(node.stdout).toBe(`node ${fixtureVersions.nodejs_22!.version}`);
    expect(develop(repo, "default", ["pnpm", "--version"], nixpkgs).stdout).toBe(
      `pnpm ${fixtureVersions.pnpm_10!.version}`,
    );
  });

  it(".#api has go.mod's toolchain, .#infra has Terraform through the unfree predicate", () => {
    expect(develop(repo, "api", ["go", "version"], nixpkgs).stdout).toBe(`go ${fixtureVersions.go_1_25!.version}`);
    expect(develop(repo, "infra", ["terraform", "--version"], nixpkgs).stdout).toBe(
      `terraform ${fixtureVersions.terraform!.version}`,
    );
  });

  it("without the predicate the same flake refuses Terraform (so the predicate is what allows it)", () => {
    const copy = makeRepo({});
    cpSync(repo, copy, { recursive: true, filter: (src) => !src.includes("/.git/") && !src.endsWith("/.git") });
    execFileSync("git", ["init", "-q", copy]);
    const flake = readFileSync(join(copy, "flake.nix"), "utf8").replace(
      /\n\s*config\.allowUnfreePredicate = [^\n]*/,
      "",
    );
    expect(flake).not.toContain("allowUnfreePredicate");
    writeFileSync(join(copy, "flake.nix"), flake);
    execFileSync("git", ["add", "-A"], { cwd: copy });
    const refused = develop(copy, "infra", ["terraform", "--version"], nixpkgs);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("unfree");
  });

  it("re-running is idempotent", async () => {
    const again = await initProject({ dir: repo, nixpkgs, env });
    expect(again.config.status).toBe("unchanged");
    expect(again.files.map((f) => f.path)).toEqual(["flake.nix", ".envrc", "services/api/.envrc", "infra/.envrc"]);
    expect(again.files.every((f) => f.status === "unchanged")).toBe(true);
    expect(again.diff).toBe("");
  });

  it("status is done, then reports drift when the repository's pin moves", async () => {
    expect((await devshellStatus({ dir: repo })).state).toBe("done");
    writeFileSync(join(repo, ".nvmrc"), "24\n");
    try {
      const report = await devshellStatus({ dir: repo });
      expect(report.state).toBe("in-progress");
      expect(report.drift.map((d) => d.message)).toContain(
        "shell default: node is 22 in paved.yaml but .nvmrc now asks for 24",
      );
    } finally {
      writeFileSync(join(repo, ".nvmrc"), "22\n");
    }
  });

  it("shell add checks the name with nix eval: a typo gets near matches and nothing changes", async () => {
    const before = readFileSync(join(repo, "paved.yaml"), "utf8");
    const error = await addPackages({ dir: repo, packages: ["nodjs_22"], nixpkgs, env }).catch((e: unknown) => e);
    expect(isPavedError(error, "E_NIXPKGS_ATTR")).toBe(true);
    expect((error as Error).message).toContain("did you mean nodejs_22");
    expect(readFileSync(join(repo, "paved.yaml"), "utf8")).toBe(before);
  });

  it("shell add / remove edit paved.yaml, re-render, and the package is on PATH", async () => {
    const added = await addPackages({ dir: repo, packages: ["hello"], shell: "api", nixpkgs, env });
    expect(added.added).toEqual(["hello"]);
    expect(added.versions.hello).toBe(fixtureVersions.hello!.version);
    expect(readFileSync(join(repo, "paved.yaml"), "utf8")).toMatch(/api:[\s\S]*packages:\n\s+- hello/);
    expect(develop(repo, "api", ["hello", "--version"], nixpkgs).stdout).toBe(
      `hello ${fixtureVersions.hello!.version}`,
    );
    const removed = await removePackages({ dir: repo, packages: ["hello"], shell: "api" });
    expect(removed.removed).toEqual(["hello"]);
    expect(readFileSync(join(repo, "flake.nix"), "utf8")).not.toContain("pkgs.hello");
  });
});

describe("paved init refuses bad input and writes nothing", () => {
  it("not a git repository", async () => {
    const dir = makeRepo({ ".nvmrc": "22\n" }, { git: false });
    await expect(initProject({ dir })).rejects.toMatchObject({ code: "E_NOT_GIT_REPO" });
    expect(existsSync(join(dir, "paved.yaml"))).toBe(false);
  });

  it("a package.json that is not JSON", async () => {
    const dir = makeRepo({ "package.json": '{ "name": "x",, }\n' });
    await expect(initProject({ dir })).rejects.toMatchObject({
      code: "E_MARKER_PARSE",
      details: { file: "package.json", line: 1 },
    });
    for (const f of ["paved.yaml", "flake.nix", ".envrc"]) expect(existsSync(join(dir, f))).toBe(false);
  });

  it("an unknown toolchain in paved.yaml", async () => {
    const dir = makeRepo({
      ".nvmrc": "22\n",
      "paved.yaml": 'version: 1\nshells:\n  default:\n    toolchains:\n      nodejs:\n        version: "22"\n',
    });
    const error = await initProject({ dir }).catch((e: unknown) => e);
    expect(isPavedError(error, "E_CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(/paved\.yaml:5:\d+/);
    expect((error as Error).message).toContain('did you mean "node"');
    expect(existsSync(join(dir, "flake.nix"))).toBe(false);
  });

  it("a hand-edited flake.nix is kept unless --force", async () => {
    const dir = makeRepo({ ".nvmrc": "22\n" });
    await initProject({ dir });
    const edited = `${readFileSync(join(dir, "flake.nix"), "utf8")}# my change\n`;
    writeFileSync(join(dir, "flake.nix"), edited);
    writeFileSync(join(dir, ".nvmrc"), "24\n");
    const kept = await initProject({ dir });
    expect(kept.kept).toEqual(["flake.nix"]);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toBe(edited);
    const forced = await initProject({ dir, force: true });
    expect(forced.files.find((f) => f.path === "flake.nix")!.written).toBe(true);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("pkgs.nodejs_24");
  });

  it("a pin set by hand (no `from`) survives re-running init, as the conflict hint promises", async () => {
    const dir = makeRepo({ ".nvmrc": "18\n", "package.json": json({ engines: { node: ">=22" } }) });
    const first = await initProject({ dir });
    expect(first.detected.conflicts[0]!.override).toContain("paved.yaml");
    const yaml = readFileSync(join(dir, "paved.yaml"), "utf8");
    writeFileSync(
      join(dir, "paved.yaml"),
      yaml.replace(/node:\n\s+version: "18"\n\s+from: \.nvmrc/, 'node:\n        version: "22"'),
    );
    await syncDevshell({ dir });
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("pkgs.nodejs_22");
    const again = await initProject({ dir });
    expect(again.config.changes.map((c) => c.kind)).toContain("keep-manual-pin");
    expect(readFileSync(join(dir, "paved.yaml"), "utf8")).toMatch(/node:\n\s+version: "22"\n/);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("pkgs.nodejs_22");
  });

  it("--release switches the nixpkgs release and re-maps the pins (Node 20 is in 25.11, not in 26.05)", async () => {
    const dir = makeRepo({ ".nvmrc": "20\n" });
    // --pinned-release-only: everything on nixos-26.05 (otherwise Node 20 alone would come from 25.11, see releases-nix).
    const first = await initProject({ dir, pinnedOnly: true });
    expect(first.detected.shells[0]!.choices[0]).toMatchObject({ attr: "nodejs_22", status: "unavailable" });
    const switched = await initProject({ dir, release: "nixos-25.11" });
    expect(switched.config.changes.map((c) => c.kind)).toContain("set-release");
    expect(readFileSync(join(dir, "paved.yaml"), "utf8")).toContain("release: nixos-25.11");
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("pkgs.nodejs_20");
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("github:NixOS/nixpkgs/nixos-25.11");
  });

  it("status reports a flake.nix edited by hand as drift", async () => {
    const dir = makeRepo({ "go.mod": "module x\n\ngo 1.25\n" });
    await initProject({ dir });
    expect((await devshellStatus({ dir })).state).toBe("done");
    writeFileSync(join(dir, "flake.nix"), `${readFileSync(join(dir, "flake.nix"), "utf8")}# local tweak\n`);
    const report = await devshellStatus({ dir });
    expect(report.state).toBe("in-progress");
    expect(report.drift).toEqual([
      expect.objectContaining({ kind: "edited-file", message: "flake.nix was edited by hand" }),
    ]);
  });
});
