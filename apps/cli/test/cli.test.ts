import { mkdtemp, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";
import pkg from "../package.json" with { type: "json" };

beforeAll(() => requireTool("nix"));

describe("paved CLI", () => {
  it("prints its version", async () => {
    const run = await paved(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it("has help with examples and exit codes", async () => {
    const run = await paved(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Examples:");
    expect(run.stdout).toContain("doctor");
    expect(run.stdout).toMatch(/Exit codes:.*2 usage/);
  });

  it("exits 2 on an unknown command and suggests", async () => {
    const run = await paved(["docter"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("doctor");
    expect(run.stderr).toMatch(/^error \[E_USAGE\] unknown command 'docter'/);
    expect(run.stderr).toContain("hint:");
  });

  it("doctor --json gives one entry per check with a status and a fix", async () => {
    const home = await mkdtemp(join(tmpdir(), "paved-home-"));
    const run = await paved(["doctor", "--json"], { env: { HOME: home } });
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: { id: string; status: string; detail: string; fix?: string }[];
    };
    expect(report.checks.map((c) => c.id)).toEqual([
      "nix",
      "flakes",
      "store",
      "builds",
      "git",
      "direnv",
      "direnv-hook",
      "flake-tracked",
    ]);
    for (const check of report.checks) {
      expect(["ok", "warn", "fail", "skip"]).toContain(check.status);
      if (check.status === "warn" || check.status === "fail") expect(check.fix).toBeTruthy();
    }
    expect(report.checks.find((c) => c.id === "nix")?.status).toBe("ok");
    // set-up leaves Nix as a multi-user install has it: the sandbox on, builds as nixbld users
    expect(report.checks.find((c) => c.id === "builds")).toMatchObject({
      status: "ok",
      detail: "sandbox on, builds as the nixbld users",
    });
    expect(report.checks.find((c) => c.id === "nix")).toMatchObject({
      detail: expect.stringMatching(/^Nix 2\.\d+\.\d+ \(supported.*2\.8 or newer/),
    });
    // a fresh home has no direnv hook: the check must notice
    expect(report.checks.find((c) => c.id === "direnv-hook")?.status).toBe("warn");
    expect(run.code).toBe(report.ok ? 0 : 1);
  });

  it("doctor notices an untracked flake.nix and says how to fix it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-doc-"));
    await writeFile(join(dir, "flake.nix"), "{ outputs = _: { }; }\n");
    const { execFileSync } = await import("node:child_process");
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const run = await paved(["doctor", "--json", "--dir", dir]);
    const check = (JSON.parse(run.stdout) as { checks: { id: string; status: string; fix?: string }[] }).checks.find(
      (c) => c.id === "flake-tracked",
    );
    expect(check).toMatchObject({ status: "fail", fix: "git add -N flake.nix" });
    expect(run.code).toBe(1);
  });

  it("doctor fails clearly without nix, and errors carry no stack trace", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-nonix-"));
    const fake = join(dir, "nix");
    await writeFile(fake, "#!/bin/sh\nexit 127\n");
    await chmod(fake, 0o755);
    const run = await paved(["doctor"], { env: { PAVED_NIX: join(dir, "absent") } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ Nix installed: Nix is not installed/);
    expect(run.stdout).toContain("apt-get install nix-bin");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
