/**
 * QA regression: re-running `paved init` after a sub-project was deleted kept its shell in paved.yaml and
 * flake.nix and re-created the deleted directory for its .envrc.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initProject } from "@paved/devshell";
import { requireTool } from "@paved/fixtures";
import { json, makeRepo } from "./_repo.ts";

beforeAll(() => requireTool("git"));

describe("QA: paved init after a sub-project went away", () => {
  it("drops the shell detection made and does not re-create the directory", async () => {
    const dir = makeRepo({
      "package.json": json({ engines: { node: "22" } }),
      "api/go.mod": "module x/api\n\ngo 1.25.0\n",
    });
    await initProject({ dir });
    expect(readFileSync(join(dir, "paved.yaml"), "utf8")).toContain("dir: api");
    rmSync(join(dir, "api"), { recursive: true });
    const again = await initProject({ dir });
    expect(again.config.changes).toContainEqual(expect.objectContaining({ shell: "api", kind: "drop-shell" }));
    expect(readFileSync(join(dir, "paved.yaml"), "utf8")).not.toContain("api");
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).not.toMatch(/\bapi = /);
    expect(existsSync(join(dir, "api"))).toBe(false);
  });

  it("keeps a shell a person added settings to, and says so", async () => {
    const dir = makeRepo({
      "package.json": json({ engines: { node: "22" } }),
      "api/go.mod": "module x/api\n\ngo 1.25.0\n",
    });
    await initProject({ dir });
    const yamlPath = join(dir, "paved.yaml");
    writeFileSync(
      yamlPath,
      readFileSync(yamlPath, "utf8").replace("    dir: api\n", "    dir: api\n    env:\n      GOFLAGS: -mod=mod\n"),
    );
    rmSync(join(dir, "api", "go.mod"));
    const again = await initProject({ dir, dryRun: true });
    expect(again.config.changes).toContainEqual(expect.objectContaining({ shell: "api", kind: "keep-shell" }));
    expect(readFileSync(yamlPath, "utf8")).toContain("GOFLAGS");
  });

  it("removes the generated .envrc of a shell that now shares its parent's, but never an edited one", async () => {
    const dir = makeRepo({
      "package.json": json({ engines: { node: "22" } }),
      "a/package.json": json({ engines: { node: "24" } }),
      "b/package.json": json({ engines: { node: "24" } }),
    });
    await initProject({ dir });
    expect(existsSync(join(dir, "a", ".envrc"))).toBe(true);
    writeFileSync(join(dir, "b", ".envrc"), `${readFileSync(join(dir, "b", ".envrc"), "utf8")}export EXTRA=1\n`);
    // Both now accept the root's Node 22: their shells go.
    writeFileSync(join(dir, "a", "package.json"), json({ engines: { node: ">=22" } }));
    writeFileSync(join(dir, "b", "package.json"), json({ engines: { node: ">=22" } }));
    const preview = await initProject({ dir, dryRun: true });
    expect(preview.removed).toEqual(["a/.envrc"]);
    expect(preview.diff).toContain("a/.envrc");
    expect(existsSync(join(dir, "a", ".envrc"))).toBe(true);
    const result = await initProject({ dir });
    expect(result.removed).toEqual(["a/.envrc"]);
    expect(result.kept).toContain("b/.envrc");
    expect(existsSync(join(dir, "a", ".envrc"))).toBe(false);
    expect(readFileSync(join(dir, "b", ".envrc"), "utf8")).toContain("EXTRA=1");
    expect(Object.keys(result.detected.shells.map((s) => s.name))).toHaveLength(1);
  });
});

describe("QA: toolchains used without a version (corpus: cachix/devenv)", () => {
  it("a crate without rust-version and a go.mod without a go line give a valid paved.yaml", async () => {
    const dir = makeRepo({
      "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
      "tools/go.mod": "module example.com/tools\n",
    });
    const result = await initProject({ dir });
    const yaml = readFileSync(join(dir, "paved.yaml"), "utf8");
    expect(yaml).toMatch(/rust:\n\s+version: "\*"/);
    expect(result.detected.shells[0]!.choices.find((c) => c.toolchain === "rust")).toMatchObject({ attr: "rustc" });
    // A second run reads that paved.yaml back: the "*" paved wrote must pass paved's own check.
    const again = await initProject({ dir });
    expect(again.diff).toBe("");
  });
});
