// A version line the pinned release no longer carries comes from the newest release that has it: one extra nixpkgs
// input per release, everything else on the pinned one. Two fixture releases stand in for nixos-26.05 (without
// nodejs_20 and go_1_24, as the real one) and nixos-25.11 (with them); nix develop is the real Nix.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { detectProject, initProject, resolvePin } from "@paved/devshell";
import { FIXTURE_NIXPKGS_SOURCE, nixTestEnv, requireTool } from "@paved/fixtures";
import { json, makeRepo } from "./_repo.ts";

const env = nixTestEnv();
const system = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-${process.platform}`;
const versions = JSON.parse(readFileSync(join(FIXTURE_NIXPKGS_SOURCE, "packages.json"), "utf8")) as Record<
  string,
  { version: string }
>;

/** A private fixture copy pretending to be `release`, without the attributes that release does not have. */
function fixtureRelease(release: string, drop: string[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), `paved-fixture-${release}-`)), "nixpkgs");
  cpSync(FIXTURE_NIXPKGS_SOURCE, dir, { recursive: true });
  writeFileSync(join(dir, "release.nix"), `${JSON.stringify(release)}\n`);
  const specs = { ...versions } as Record<string, unknown>;
  for (const attr of drop) delete specs[attr];
  writeFileSync(join(dir, "packages.json"), `${JSON.stringify(specs, null, 1)}\n`);
  return dir;
}

let stable: string;
let older: string;
let repo: string;

function develop(shell: string, cmd: string[]) {
  const r = spawnSync(
    "nix",
    [
      "develop",
      `${repo}#${shell}`,
      "--override-input",
      "nixpkgs",
      `path:${stable}`,
      "--override-input",
      "nixpkgs-25_11",
      `path:${older}`,
      "--no-write-lock-file",
      "-c",
      ...cmd,
    ],
    { env, encoding: "utf8" },
  );
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

beforeAll(async () => {
  requireTool("nix");
  requireTool("git");
  stable = fixtureRelease("26.05", ["nodejs_20", "go_1_24"]);
  older = fixtureRelease("25.11", ["nodejs_26", "go_1_26"]);
  repo = makeRepo({
    ".nvmrc": "20.18.0\n",
    "package.json": json({ name: "web", private: true, packageManager: "pnpm@10.20.0" }),
    "api/go.mod": "module example.com/api\n\ngo 1.24\n\ntoolchain go1.24.6\n",
    "tools/go.mod": "module example.com/tools\n\ngo 1.25\n",
  });
  await initProject({ dir: repo, nixpkgs: stable, env });
});

describe("a line only an older release has", () => {
  it("init takes it from the newest release that has it and says so, with the security status", () => {
    const result = detectProject(repo);
    const node = result.shells[0]!.choices.find((c) => c.toolchain === "node")!;
    expect(node).toMatchObject({ attr: "nodejs_20", release: "nixos-25.11" });
    expect(node.mapping).toContain(
      "nixos-26.05 has no Node.js 20.18.0; nodejs_20 (20.x) comes from nixos-25.11, the newest NixOS release that has it",
    );
    expect(node.mapping).toMatch(/nixos-25\.11 (stopped getting|gets) security updates/);
    expect(node.mapping).toMatch(/Node\.js 20 (reached end of life|gets security fixes upstream until) /);
    // pnpm and a Go the pinned release has stay on it.
    expect(result.shells[0]!.choices.find((c) => c.toolchain === "pnpm")!.release).toBeUndefined();
    expect(result.shells.find((s) => s.name === "tools")!.choices.find((c) => c.toolchain === "go")).toMatchObject({
      attr: "go_1_26",
    });
    expect(
      result.shells.find((s) => s.name === "tools")!.choices.find((c) => c.toolchain === "go")!.release,
    ).toBeUndefined();
  });

  it("paved.yaml records the release per toolchain; the flake has one extra input shared by node and go", () => {
    const config = readFileSync(join(repo, "paved.yaml"), "utf8");
    expect(config).toMatch(/node:\n\s+version: 20\.18\.0\n\s+from: \.nvmrc\n\s+release: nixos-25\.11/);
    expect(config).toMatch(/go:\n\s+version: 1\.24\.6\n\s+from: api\/go\.mod\n\s+release: nixos-25\.11/);
    const flake = readFileSync(join(repo, "flake.nix"), "utf8");
    expect(flake.match(/inputs\.nixpkgs-25_11\.url = "github:NixOS\/nixpkgs\/nixos-25\.11";/g)).toHaveLength(1);
    expect(flake).toContain('inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";');
    expect(flake).toContain("pkgs-25_11.nodejs_20");
    expect(flake).toContain("pkgs-25_11.go_1_24");
    expect(flake).toContain("pkgs.pnpm_10");
  });

  it("nix develop delivers Node 20 and Go 1.24 from the second release and pnpm and Go 1.26 from the pinned one", () => {
    // The pinned fixture really lacks them, so only the second input can give them.
    const missing = spawnSync("nix", ["eval", "--raw", `path:${stable}#legacyPackages.${system}.nodejs_20.version`], {
      env,
      encoding: "utf8",
    });
    expect(missing.status).not.toBe(0);
    const node = develop("default", ["node", "--version"]);
    expect(node.stderr).not.toMatch(/^error/m);
    expect(node.stdout).toBe(`node ${versions.nodejs_20!.version}`);
    expect(develop("default", ["pnpm", "--version"]).stdout).toBe(`pnpm ${versions.pnpm_10!.version}`);
    expect(develop("api", ["go", "version"]).stdout).toBe(`go ${versions.go_1_24!.version}`);
    expect(develop("tools", ["go", "version"]).stdout).toBe(`go ${versions.go_1_26!.version}`);
  });

  it("a second init changes nothing, and --nixpkgs verification does not call nodejs_20 missing", async () => {
    const again = await initProject({ dir: repo, nixpkgs: stable, env });
    expect(again.diff).toBe("");
    expect(again.verification?.missing.map((m) => m.attr) ?? []).not.toContain("nodejs_20");
    expect(again.verification?.missing).toEqual([]);
  });

  it("--pinned-release-only keeps everything on the pinned release and names the release that has it", async () => {
    const dir = makeRepo({ ".nvmrc": "20\n" });
    const result = await initProject({ dir, pinnedOnly: true });
    const node = result.detected.shells[0]!.choices[0]!;
    expect(node).toMatchObject({ attr: "nodejs_22", status: "unavailable" });
    expect(node.release).toBeUndefined();
    expect(node.mapping).toContain(
      "nixos-25.11 has nodejs_20 (20.x); paved init without --pinned-release-only takes it from there",
    );
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).not.toContain("nixpkgs-25_11");
  });

  it("a line no release has stays the pinned release's closest one, said plainly", () => {
    expect(resolvePin("node", "16", "nixos-26.05")).toMatchObject({ attr: "nodejs_22", status: "unavailable" });
    const dir = makeRepo({ ".nvmrc": "16\n" });
    const node = detectProject(dir).shells[0]!.choices[0]!;
    expect(node).toMatchObject({ attr: "nodejs_22", status: "unavailable" });
    expect(node.release).toBeUndefined();
  });
});
