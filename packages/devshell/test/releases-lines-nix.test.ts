// The lines the held-back corpus asked for and did not get (issue 13): Rust 1.94, pnpm 11, Terraform 1.9 and 1.3.
// Each comes from the release whose nixpkgs really carries it, named with its security status. Fixture copies stand
// in for the releases, each with only what that release has (and that release's version of single-version tools),
// so a shell can only print the asked version when the flake takes it from the right input; nix develop is real Nix.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { detectProject, initProject, resolvePin } from "@paved/devshell";
import { FIXTURE_NIXPKGS_SOURCE, nixTestEnv, requireTool } from "@paved/fixtures";
import { json, makeRepo } from "./_repo.ts";

const env = nixTestEnv();
type Spec = Record<string, unknown> & { version?: string };
const specs = JSON.parse(readFileSync(join(FIXTURE_NIXPKGS_SOURCE, "packages.json"), "utf8")) as Record<string, Spec>;

/** A fixture copy pretending to be `release`: `drop` are attributes it lacks, `versions` what its single-version tools are at. */
function fixtureRelease(
  release: string,
  drop: string[],
  versions: Record<string, string> = {},
  changes: Record<string, Spec> = {},
): string {
  const dir = join(mkdtempSync(join(tmpdir(), `paved-fixture-${release}-`)), "nixpkgs");
  cpSync(FIXTURE_NIXPKGS_SOURCE, dir, { recursive: true });
  writeFileSync(join(dir, "release.nix"), `${JSON.stringify(release)}\n`);
  const out: Record<string, Spec> = { ...specs };
  for (const attr of drop) delete out[attr];
  for (const [attr, version] of Object.entries(versions)) out[attr] = { ...out[attr]!, version };
  for (const [attr, change] of Object.entries(changes)) out[attr] = { ...out[attr]!, ...change };
  writeFileSync(join(dir, "packages.json"), `${JSON.stringify(out, null, 1)}\n`);
  return dir;
}

const rust = (v: string) => ({ rustc: v, cargo: v, clippy: v, rustfmt: v });
let inputs: Record<string, string>;

/** `nix develop` with every release input the flake has pointed at its fixture copy. */
function develop(repo: string, shell: string, cmd: string[]) {
  const flake = readFileSync(join(repo, "flake.nix"), "utf8");
  const extra = [...flake.matchAll(/inputs\.(nixpkgs-[0-9a-z_]+)\.url/g)].map((m) => m[1]!);
  const overrides = ["nixpkgs", ...extra].flatMap((input) => {
    const release = input === "nixpkgs" ? inputs.pinned! : inputs[input]!;
    return ["--override-input", input, `path:${release}`];
  });
  const r = spawnSync("nix", ["develop", `${repo}#${shell}`, ...overrides, "--no-write-lock-file", "-c", ...cmd], {
    env,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  const stable = fixtureRelease("26.05", ["pnpm_11"], { ...rust("1.94.1"), terraform: "1.14.1" });
  inputs = {
    pinned: stable,
    "nixpkgs-26_05": stable,
    "nixpkgs-unstable": fixtureRelease("unstable", [], { ...rust("1.99.0"), terraform: "1.14.3" }),
    "nixpkgs-24_11": fixtureRelease("24.11", ["pnpm_11"], { ...rust("1.82.0"), terraform: "1.9.8" }),
    // Terraform 1.3 predates the BUSL: free in nixos-22.11, so its flake must not need (or get) an unfree allowance.
    "nixpkgs-22_11": fixtureRelease(
      "22.11",
      ["pnpm_11", "pnpm_10"],
      { ...rust("1.64.0"), terraform: "1.3.10" },
      { terraform: { unfree: false, license: "mpl20" } },
    ),
  };
});

describe("Rust 1.94 (rust-toolchain.toml)", () => {
  const files = {
    "rust-toolchain.toml": '[toolchain]\nchannel = "1.94.0"\n',
    "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
  };

  it("nixos-26.05 carries rustc 1.94: the pinned release gives it, no second input", async () => {
    const repo = makeRepo(files);
    const result = await initProject({ dir: repo });
    const choice = result.detected.shells[0]!.choices.find((c) => c.toolchain === "rust")!;
    expect(choice).toMatchObject({ attr: "rustc", got: "about 1.94", status: "line" });
    expect(choice.release).toBeUndefined();
    expect(readFileSync(join(repo, "flake.nix"), "utf8")).not.toMatch(/inputs\.nixpkgs-/);
    const r = develop(repo, "default", ["rustc", "--version"]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.stdout).toBe("rustc 1.94.1");
  });

  it("pinned to nixos-unstable (rustc 1.99), 1.94 comes from nixos-26.05, with its security status", async () => {
    const repo = makeRepo(files);
    const result = await initProject({ dir: repo, release: "nixos-unstable" });
    const choice = result.detected.shells[0]!.choices.find((c) => c.toolchain === "rust")!;
    expect(choice).toMatchObject({ attr: "rustc", release: "nixos-26.05" });
    expect(choice.also).toContain("cargo");
    expect(choice.mapping).toContain("nixos-unstable has no Rust 1.94.0; rustc (about 1.94) comes from nixos-26.05");
    expect(choice.mapping).toMatch(
      /nixos-26\.05 (gets security updates until|stopped getting security updates on) 2026-12-31/,
    );
    const flake = readFileSync(join(repo, "flake.nix"), "utf8");
    expect(flake).toContain('inputs.nixpkgs-26_05.url = "github:NixOS/nixpkgs/nixos-26.05";');
    expect(flake).toContain("pkgs-26_05.rustc");
    expect(flake).toContain("pkgs-26_05.cargo");
    expect(readFileSync(join(repo, "paved.yaml"), "utf8")).toMatch(
      /rust:\n\s+version: 1\.94\.0\n\s+from: rust-toolchain\.toml\n\s+release: nixos-26\.05/,
    );
    inputs.pinned = inputs["nixpkgs-unstable"]!;
    try {
      expect(develop(repo, "default", ["rustc", "--version"]).stdout).toBe("rustc 1.94.1");
      expect(develop(repo, "default", ["cargo", "--version"]).stdout).toBe("cargo 1.94.1");
    } finally {
      inputs.pinned = inputs["nixpkgs-26_05"]!;
    }
  });

  it("a line no release carries (1.98) stays on the pinned rustc and says so", () => {
    expect(resolvePin("rust", "1.98.0", "nixos-26.05")).toMatchObject({ attr: "rustc", status: "unavailable" });
    const choice = detectProject(makeRepo({ "rust-toolchain": "1.98.0\n" }, { git: false })).shells[0]!.choices[0]!;
    expect(choice).toMatchObject({ attr: "rustc", status: "unavailable" });
    expect(choice.release).toBeUndefined();
    expect(choice.mapping).toContain("one rustc per release");
  });
});

describe("pnpm 11 (packageManager)", () => {
  it("comes from nixos-unstable as pnpm_11, said to be rolling; Node stays on the pinned release", async () => {
    const repo = makeRepo({
      "package.json": json({ name: "web", private: true, packageManager: "pnpm@11.19.0", engines: { node: ">=22" } }),
    });
    const result = await initProject({ dir: repo });
    const choices = result.detected.shells[0]!.choices;
    const pnpm = choices.find((c) => c.toolchain === "pnpm")!;
    expect(pnpm).toMatchObject({ attr: "pnpm_11", got: "11.x", release: "nixos-unstable" });
    expect(pnpm.mapping).toContain("nixos-26.05 has no pnpm 11.19.0; pnpm_11 (11.x) comes from nixos-unstable");
    expect(pnpm.mapping).toContain("nixos-unstable is rolling: it gets security updates as nixpkgs does");
    expect(choices.find((c) => c.toolchain === "node")!.release).toBeUndefined();
    const flake = readFileSync(join(repo, "flake.nix"), "utf8");
    expect(flake).toContain('inputs.nixpkgs-unstable.url = "github:NixOS/nixpkgs/nixos-unstable";');
    expect(flake).toContain("pkgs-unstable.pnpm_11");
    const r = develop(repo, "default", ["pnpm", "--version"]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.stdout).toBe(`pnpm ${specs.pnpm_11!.version}`);
  });
});

describe("Terraform lines no supported release has", () => {
  it("1.9 (.terraform-version) comes from nixos-24.11, said to be past its security support", async () => {
    const repo = makeRepo({
      ".terraform-version": "1.9.8\n",
      "main.tf": 'terraform {\n  required_version = "~> 1.9.0"\n}\n',
    });
    const result = await initProject({ dir: repo });
    const tf = result.detected.shells[0]!.choices.find((c) => c.toolchain === "terraform")!;
    expect(tf).toMatchObject({
      attr: "terraform",
      got: "about 1.9",
      release: "nixos-24.11",
      from: ".terraform-version:1",
    });
    expect(tf.mapping).toContain("nixos-26.05 has no Terraform 1.9.8; terraform (about 1.9) comes from nixos-24.11");
    expect(tf.mapping).toContain("nixos-24.11 stopped getting security updates on 2025-06-30");
    const flake = readFileSync(join(repo, "flake.nix"), "utf8");
    expect(flake).toContain('inputs.nixpkgs-24_11.url = "github:NixOS/nixpkgs/nixos-24.11";');
    expect(flake).toContain("pkgs-24_11.terraform");
    const r = develop(repo, "default", ["terraform", "--version"]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.stdout).toBe("terraform 1.9.8");
  });

  it("1.3 (.tool-versions) comes from nixos-22.11; a range any 1.x meets stays on the pinned release", async () => {
    const repo = makeRepo({
      ".tool-versions": "terraform 1.3.10\n",
      "infra/main.tf": 'terraform {\n  required_version = ">= 1.3"\n}\n',
    });
    const result = await initProject({ dir: repo });
    const root = result.detected.shells.find((s) => s.name === "default")!;
    const tf = root.choices.find((c) => c.toolchain === "terraform")!;
    expect(tf).toMatchObject({ attr: "terraform", got: "about 1.3", release: "nixos-22.11" });
    expect(tf.mapping).toContain("nixos-22.11 stopped getting security updates on 2023-06-30");
    const r = develop(repo, "default", ["terraform", "--version"]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.stdout).toBe("terraform 1.3.10");
    expect(resolvePin("terraform", ">= 1.3", "nixos-26.05")).toMatchObject({ attr: "terraform", status: "satisfied" });
  });

  it("an archived release gives only the toolchains paved lists for it: Node 18 is not taken from nixos-24.11", () => {
    const node = detectProject(makeRepo({ ".nvmrc": "18\n" }, { git: false })).shells[0]!.choices[0]!;
    expect(node).toMatchObject({ attr: "nodejs_22", status: "unavailable" });
    expect(node.release).toBeUndefined();
  });
});
