import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseHeader, runNix } from "@paved/core";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { parse as parseYamlText } from "yaml";
import { paved } from "./_cli.ts";
import { copyOrg, git, snapshot } from "./_org.ts";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
});

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** paved's own flake as a team would fetch it: the root flake.nix and the NixOS modules it exports, nothing else. */
async function pavedFlake(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-self-"));
  await cp(join(REPO, "flake.nix"), join(dir, "flake.nix"));
  for (const pkg of ["ci-runner", "baseline"])
    await cp(join(REPO, "packages", pkg, "nix"), join(dir, "packages", pkg, "nix"), { recursive: true });
  return dir;
}

async function flakeCheck(dir: string) {
  const overrides = [
    "--override-input",
    "nixpkgs",
    `path:${await fixtureNixpkgs()}`,
    "--override-input",
    "paved",
    `path:${await pavedFlake()}`,
  ];
  return runNix(["flake", "check", ...overrides], { cwd: dir, env: nixTestEnv() }).then(
    () => ({ ok: true, error: "" }),
    (error: Error & { details?: { stderrTail?: string } }) => ({
      ok: false,
      error: `${error.message}\n${error.details?.stderrTail ?? ""}`,
    }),
  );
}

describe("paved init --platform", () => {
  it("scaffolds an empty directory: git init, paved.yaml with every platform section, flake, CI, git add -N", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "paved-plat-")), "platform");
    await mkdir(dir);
    const run = await paved([
      "init",
      "--platform",
      "--name",
      "Acme",
      "--repo",
      "../api,../web",
      "--repo",
      "../worker",
      "--dir",
      dir,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ran git init");
    expect(existsSync(join(dir, ".git"))).toBe(true);
    const config = parseYamlText(await readFile(join(dir, "paved.yaml"), "utf8")) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(
      expect.arrayContaining(["version", "platform", "repos", "team", "hosts", "rollout", "ci"]),
    );
    expect(config.repos).toEqual(["../api", "../web", "../worker"]);
    expect(config.platform).toEqual({ name: "Acme" });
    for (const file of ["flake.nix", ".envrc", ".github/workflows/nix.yml"]) {
      expect(parseHeader(await readFile(join(dir, file), "utf8"))?.intact, file).toBe(true);
    }
    expect(await readFile(join(dir, ".github/workflows/nix.yml"), "utf8")).toContain("nix flake check");
    // Intent-to-add: git knows the paths (so Nix sees them) but nothing is staged for commit.
    const known = git(dir, "ls-files").split("\n").filter(Boolean).sort();
    expect(known).toEqual([".envrc", ".github/workflows/nix.yml", ".gitignore", "flake.nix", "paved.yaml", "team.nix"]);
    expect(git(dir, "diff", "--cached", "--name-only").trim()).toBe("");

    const again = await paved(["init", "--platform", "--dir", dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^\s+(create|update)\s/m);
    expect(again.stdout).toMatch(/keep \(already there\) paved\.yaml/);
  });

  it("joins an existing repository without clobbering: hand-written files kept and reported, sections added, comments kept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-plat-"));
    git(dir, "init", "-q");
    await writeFile(join(dir, "flake.nix"), "# our own flake, written by hand\n{ outputs = _: { }; }\n");
    await writeFile(join(dir, "README.md"), "# infra\n");
    await writeFile(
      join(dir, "paved.yaml"),
      "# the infra team's settings\nversion: 1\nhosts:\n  bastion-1:\n    role: bastion # first one\n",
    );
    const run = await paved(["init", "--platform", "--dir", dir]);
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/keep \(not written by paved; --force to overwrite\) flake\.nix/);
    expect(await readFile(join(dir, "flake.nix"), "utf8")).toBe(
      "# our own flake, written by hand\n{ outputs = _: { }; }\n",
    );
    expect(await readFile(join(dir, "README.md"), "utf8")).toBe("# infra\n");
    const yaml = await readFile(join(dir, "paved.yaml"), "utf8");
    expect(yaml).toContain("# the infra team's settings");
    expect(yaml).toContain("role: bastion # first one");
    expect(Object.keys(parseYamlText(yaml) as object)).toEqual(
      expect.arrayContaining(["team", "rollout", "repos", "platform", "ci"]),
    );
    expect(run.stdout).toMatch(/complete paved\.yaml \(added platform, repos, team, rollout, ci\)/);
    expect(existsSync(join(dir, "hosts/bastion-1.nix"))).toBe(true);
  });

  it("writes nothing on an invalid paved.yaml or with --dry-run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-plat-"));
    git(dir, "init", "-q");
    await writeFile(join(dir, "paved.yaml"), "version: 1\nhosts:\n  bastion-1:\n    role: bastoin\n");
    const before = await snapshot(dir);
    const bad = await paved(["init", "--platform", "--json", "--dir", dir]);
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout).error.message).toMatch(/paved\.yaml:4:\d+: hosts\.bastion-1\.role/);
    expect(await snapshot(dir)).toEqual(before);

    await rm(join(dir, "paved.yaml"));
    const dry = await paved(["init", "--platform", "--dry-run", "--dir", dir]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+++ b/flake.nix");
    expect(dry.stdout).toContain("Would write:");
    expect(await snapshot(dir)).toEqual({});
  });

  it("renders the example's platform so that `nix flake check` builds every host with paved's real modules; a host without hardware fails it", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    const hardware = await readFile(join(platform, "hosts/wiki-1-hardware.nix"), "utf8");
    await rm(join(platform, "hosts/wiki-1-hardware.nix"));
    const run = await paved(["init", "--platform", "--dir", platform]);
    expect(run.code).toBe(0);
    const flake = await readFile(join(platform, "flake.nix"), "utf8");
    for (const host of ["bastion-1", "staging-1", "wiki-1", "ci-1"]) expect(flake).toContain(`./hosts/${host}.nix`);
    const broken = await flakeCheck(platform);
    expect(broken.ok).toBe(false);
    expect(broken.error).toContain("does not specify your root file system");
    await writeFile(join(platform, "hosts/wiki-1-hardware.nix"), hardware);
    git(platform, "add", "-N", "hosts/wiki-1-hardware.nix");
    const fixed = await flakeCheck(platform);
    expect(fixed.error).toBe("");
    expect(fixed.ok).toBe(true);
  });
});
