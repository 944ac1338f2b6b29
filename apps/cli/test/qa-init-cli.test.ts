/**
 * QA regression through the bundled CLI: `paved init` must not print ✓ for a pin whose real version (from
 * nix eval) is outside the range the repository asks for (npm/cli's engines.node, recreated).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";

let nixpkgs: string;
const env = nixTestEnv();

beforeAll(async () => {
  requireTool("nix");
  requireTool("git");
  nixpkgs = await fixtureNixpkgs();
});

describe("paved init explains a range the real version misses", () => {
  it("marks it ! and names the attribute that fits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "paved-cli-qa-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ engines: { node: "^22.22.2 || ^24.15.0 || >=26.0.0" } }));
    execFileSync("git", ["init", "-q", dir]);
    const run = await paved(["init", "--yes", "--nixpkgs", nixpkgs], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const line = run.stdout.split("\n").find((l) => l.includes("node ^22.22.2"))!;
    expect(line.trimStart().startsWith("! node")).toBe(true);
    expect(run.stdout).toContain("set shells.default.toolchains.node.attr to nodejs_26 in paved.yaml");
  });
});
