/**
 * End-to-end regressions with the real nix against the fixture nixpkgs, from recreated marker files of real
 * repositories: npm/cli's engines range (`^22.22.2 || ^24.15.0 || >=26.0.0`), whose version line fits
 * nodejs_24 while the nixpkgs at hand carries a 24.x below 24.15; and a Go repository with an npm workspace.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initProject } from "@paved/devshell";
import { FIXTURE_NIXPKGS_SOURCE, fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { json, makeRepo } from "./_repo.ts";

const env = nixTestEnv() as Record<string, string | undefined>;
const fixture = JSON.parse(readFileSync(join(FIXTURE_NIXPKGS_SOURCE, "packages.json"), "utf8")) as Record<
  string,
  { version?: string }
>;

function develop(
  dir: string,
  shell: string,
  cmd: string[],
  nixpkgs: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
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
    { env: env as NodeJS.ProcessEnv, encoding: "utf8" },
  );
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

let nixpkgs: string;
beforeAll(async () => {
  requireTool("nix");
  requireTool("git");
  nixpkgs = await fixtureNixpkgs();
});

describe("QA with real nix: the version nix eval reports is checked against the range", () => {
  const RANGE = "^22.22.2 || ^24.15.0 || >=26.0.0";

  it("a range the version line fits but the real version does not is reported with the attribute that fits", async () => {
    // The fixture's nodejs_22 and nodejs_24 are below the range's floors; its nodejs_26 is inside it.
    expect(fixture.nodejs_24!.version!.startsWith("24.")).toBe(true);
    const dir = makeRepo({
      "package.json": json({ name: "npm", engines: { node: RANGE }, workspaces: ["workspaces/*"] }),
      "workspaces/arborist/package.json": json({ engines: { node: RANGE } }),
    });
    const result = await initProject({ dir, nixpkgs, env });
    const unmet = result.verification!.unmet;
    expect(unmet).toHaveLength(1);
    expect(unmet[0]).toMatchObject({
      shell: "default",
      toolchain: "node",
      attr: "nodejs_24",
      version: fixture.nodejs_24!.version,
    });
    expect(unmet[0]!.better.map((b) => b.attr)).toEqual(["nodejs_26"]);
    expect(unmet[0]!.reason).toContain("set shells.default.toolchains.node.attr to nodejs_26");
    // What nix develop really gives is what the report named.
    expect(develop(dir, "default", ["node", "--version"], nixpkgs).stdout).toContain(fixture.nodejs_24!.version!);

    // Following the hint: the hand-set attribute survives re-running init, and the shell then fits.
    const yamlPath = join(dir, "paved.yaml");
    writeFileSync(yamlPath, readFileSync(yamlPath, "utf8").replace(/(\n {6}node:\n)/, "$1        attr: nodejs_26\n"));
    const again = await initProject({ dir, nixpkgs, env });
    expect(again.verification!.unmet).toEqual([]);
    expect(readFileSync(yamlPath, "utf8")).toContain("attr: nodejs_26");
    const node = develop(dir, "default", ["node", "--version"], nixpkgs);
    expect(node.code, node.stderr).toBe(0);
    expect(node.stdout).toContain(fixture.nodejs_26!.version!);
  });

  it("a range the real version satisfies is not reported", async () => {
    const dir = makeRepo({
      "package.json": json({ engines: { node: "^20.19.0 || >=22.12.0" }, packageManager: "pnpm@10.20.0" }),
    });
    const result = await initProject({ dir, nixpkgs, env });
    expect(result.verification!.unmet).toEqual([]);
    expect(result.verification!.versions.nodejs_24).toBe(fixture.nodejs_24!.version);
  });
});

describe("QA with real nix: a Go repository with an npm workspace under web/ui", () => {
  it("the workspace's one shell has Go and Node, and its members are served by it", async () => {
    const dir = makeRepo({
      "go.mod": "module example.com/prom\n\ngo 1.24.0\n\ntoolchain go1.25.3\n",
      "cmd/tool/go.mod": "module example.com/prom/tool\n\ngo 1.24.0\n",
      "internal/tools/go.mod": "module example.com/prom/tools\n",
      "web/ui/package.json": json({ private: true, workspaces: ["app", "module/*"], engines: { node: ">=20" } }),
      "web/ui/app/package.json": json({ name: "app" }),
      "web/ui/module/lezer/package.json": json({ name: "lezer" }),
    });
    const result = await initProject({ dir, nixpkgs, env });
    expect(result.detected.shells.map((s) => [s.name, s.serves])).toEqual([
      ["default", ["", "cmd/tool", "internal/tools"]],
      ["ui", ["web/ui", "web/ui/app", "web/ui/module/lezer"]],
    ]);
    const ui = develop(dir, "ui", ["sh", "-c", "go version; node --version"], nixpkgs);
    expect(ui.code, ui.stderr).toBe(0);
    expect(ui.stdout).toContain(fixture.go_1_25!.version!);
    expect(ui.stdout).toContain(fixture.nodejs_24!.version!);
  });
});
