import { appendFile, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseHeader } from "@paved/core";
import { requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";
import { copyOrg, snapshot } from "./_org.ts";
import type { PlanResult } from "@paved/platform";

beforeAll(() => {
  requireTool("git");
});

describe("paved plan", () => {
  it("lists actions in path order with their commands and writes MIGRATION.md as a managed file", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    const run = await paved(["plan", "--dir", platform]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/step 2: (web has no dev shell|web: .+) → `paved init --dir \.\.\/web`/);
    const steps = [...run.stdout.matchAll(/^step (\d): /gm)].map((m) => Number(m[1]));
    expect(steps.length).toBeGreaterThan(0);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(run.stdout).toContain("Wrote MIGRATION.md");
    const md = await readFile(join(platform, "MIGRATION.md"), "utf8");
    expect(parseHeader(md)?.intact).toBe(true);
    expect(md).toContain("# Migrating Acme to Nix, step by step");
    expect(md).toContain("`paved init --dir ../worker`");
    expect(md).toMatch(/\| 1\. CI on Nix \| (done|in progress|not started|unknown) \|/);

    const json = JSON.parse((await paved(["plan", "--json", "--dir", platform])).stdout) as PlanResult;
    expect(json.file).toMatchObject({ path: "MIGRATION.md", status: "unchanged", written: false });
    expect(json.actions.map((a) => a.step)).toEqual([...json.actions.map((a) => a.step)].sort((a, b) => a - b));
    expect(json.actions.find((a) => a.command === "paved init --dir ../api")).toMatchObject({
      step: 2,
      subject: "api",
    });
  });

  it("keeps a MIGRATION.md edited by hand (exit 5) unless --force; --no-write and --dry-run write nothing", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    const dry = await paved(["plan", "--dry-run", "--dir", platform]);
    expect(dry.stdout).toContain("+++ b/MIGRATION.md");
    expect(existsSync(join(platform, "MIGRATION.md"))).toBe(false);
    const noWrite = await paved(["plan", "--no-write", "--dir", platform]);
    expect(noWrite.stdout).toContain("MIGRATION.md not written (--no-write).");
    expect(existsSync(join(platform, "MIGRATION.md"))).toBe(false);

    await paved(["plan", "--dir", platform]);
    await appendFile(join(platform, "MIGRATION.md"), "\nOur notes.\n");
    const edited = await readFile(join(platform, "MIGRATION.md"), "utf8");
    const kept = await paved(["plan", "--dir", platform]);
    expect(kept.code).toBe(5);
    expect(kept.stdout).toContain("Kept MIGRATION.md: it was edited by hand");
    expect(await readFile(join(platform, "MIGRATION.md"), "utf8")).toBe(edited);
    const forced = await paved(["plan", "--force", "--dir", platform]);
    expect(forced.stdout).toContain("Wrote MIGRATION.md");
    expect(await readFile(join(platform, "MIGRATION.md"), "utf8")).not.toContain("Our notes.");
  });

  it("does not write MIGRATION.md when input is bad, but still prints the plan with the problem first", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    const yaml = await readFile(join(platform, "paved.yaml"), "utf8");
    await writeFile(join(platform, "paved.yaml"), yaml.replace("  - ../worker\n", "  - ../worker\n  - ../billing\n"));
    const before = await snapshot(org);
    const run = await paved(["plan", "--dir", platform]);
    expect(run.code).toBe(5);
    expect(run.stdout.indexOf("../billing does not exist")).toBeLessThan(run.stdout.indexOf("step 2:"));
    expect(run.stdout).toContain("MIGRATION.md not written: 1 input problem to fix first");
    expect(await snapshot(org)).toEqual(before);
  });
});

describe("paved sync and paved eject", () => {
  it("re-renders a platform repository after paved.yaml changes, keeps hand edits, and eject leaves plain files", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    expect((await paved(["init", "--platform", "--dir", platform])).code).toBe(0);
    const yaml = await readFile(join(platform, "paved.yaml"), "utf8");
    await writeFile(join(platform, "paved.yaml"), yaml.replace("hosts:\n", "hosts:\n  build-1:\n    role: internal\n"));
    await appendFile(join(platform, ".envrc"), "export EDITOR=vim\n");
    const sync = await paved(["sync", "--dir", platform]);
    expect(sync.code).toBe(5);
    expect(sync.stdout).toMatch(/create hosts\/build-1\.nix/);
    expect(sync.stdout).toMatch(/update flake\.nix/);
    expect(sync.stdout).toMatch(/keep \(edited by hand; --force to overwrite\) \.envrc/);
    expect(await readFile(join(platform, "flake.nix"), "utf8")).toContain("./hosts/build-1.nix");
    expect(await readFile(join(platform, ".envrc"), "utf8")).toContain("export EDITOR=vim");
    const again = await paved(["sync", "--force", "--dir", platform]);
    expect(again.code).toBe(0);
    expect(await readFile(join(platform, ".envrc"), "utf8")).not.toContain("EDITOR");

    const dry = await paved(["eject", "--dry-run", "--json", "--dir", platform]);
    const planned = JSON.parse(dry.stdout) as { ejected: string[] };
    expect(planned.ejected).toEqual(
      expect.arrayContaining(["flake.nix", ".envrc", "hosts/build-1.nix", ".github/workflows/nix.yml"]),
    );
    expect(parseHeader(await readFile(join(platform, "flake.nix"), "utf8"))).toBeDefined();
    const eject = await paved(["eject", "--dir", platform]);
    expect(eject.code).toBe(0);
    for (const file of planned.ejected) {
      const content = await readFile(join(platform, file), "utf8");
      expect(parseHeader(content), file).toBeUndefined();
      expect(content).not.toContain("paved-hash");
    }
    for (const file of planned.ejected) {
      // Nothing in an ejected file sends a person back to paved.
      const content = await readFile(join(platform, file), "utf8");
      expect(content, file).not.toMatch(/`paved (sync|eject|init)|run `paved|has paved|paved direnv-export/);
    }
    const envrc = await readFile(join(platform, ".envrc"), "utf8");
    expect(envrc).toMatch(/^use flake/m);
    expect(envrc).not.toMatch(/\bpaved\b(?!\.yaml)/);
    // Ejected files are the team's: sync refuses with a hint, status says so and exits 0.
    const after = await paved(["sync", "--dir", platform]);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain("ejected");
    expect(after.stderr).toContain(".paved/ejected");
    const status = await paved(["status", "--dir", platform]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("ejected from paved");
    expect(status.stdout).not.toContain("paved eject");
    const json = JSON.parse((await paved(["status", "--json", "--dir", platform])).stdout) as {
      ejected?: { files: string[] };
      attention: boolean;
      drift: unknown[];
    };
    expect(json.ejected?.files.sort()).toEqual([...planned.ejected].sort());
    expect(json.attention).toBe(false);
    expect(json.drift).toEqual([]);
  });
});
