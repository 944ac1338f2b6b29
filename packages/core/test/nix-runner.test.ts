import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { NIX_FEATURE_FLAGS, isPavedError, nixJson, nixVersion, runNix, type PavedError } from "@paved/core";
import { SANDBOX_TOOLS_NIX, copySandboxTools, nixTestEnv, requireTool } from "@paved/fixtures";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  Object.assign(process.env, nixTestEnv());
});

const savedNix = process.env.PAVED_NIX;
afterEach(() => {
  if (savedNix === undefined) delete process.env.PAVED_NIX;
  else process.env.PAVED_NIX = savedNix;
});

async function repo(flake: string, options: { track?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-runner-"));
  await writeFile(join(dir, "flake.nix"), flake);
  const tools = copySandboxTools(dir);
  execFileSync("git", ["init", "-q"], { cwd: dir });
  execFileSync("git", ["add", "-N", ...tools], { cwd: dir });
  if (options.track !== false) execFileSync("git", ["add", "-N", "flake.nix"], { cwd: dir });
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<PavedError> {
  try {
    await promise;
  } catch (error) {
    if (isPavedError(error)) return error;
    throw error;
  }
  throw new Error("expected the nix call to fail");
}

describe("runNix against the real nix", () => {
  it("adds the feature flags and parses --json", async () => {
    const value = await nixJson<{ a: string; n: number[] }>(["eval", "--expr", '{ a = "x"; n = [ 1 2 ]; }']);
    expect(value).toEqual({ a: "x", n: [1, 2] });
  });

  it("returns the command instead of running it in a dry run", async () => {
    process.env.PAVED_NIX = "/nonexistent/nix";
    const result = await runNix(["build", ".#x"], { dryRun: true, cwd: "/tmp" });
    expect(result.argv).toEqual(["/nonexistent/nix", ...NIX_FEATURE_FLAGS, "build", ".#x"]);
    expect(result.cwd).toBe("/tmp");
  });

  it("reads the version once and reports it", async () => {
    const version = await nixVersion();
    expect(version.major).toBeGreaterThanOrEqual(2);
    expect(version.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("says Nix is missing, with how to install it", async () => {
    process.env.PAVED_NIX = "/nonexistent/nix";
    const error = await failure(runNix(["eval", "--expr", "1"]));
    expect(error.code).toBe("E_NIX_MISSING");
    expect(error.hint).toMatch(/nix-bin|nixos\.org/);
  });

  it("refuses a Nix that is too old", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-oldnix-"));
    const fake = join(dir, "nix");
    await writeFile(fake, '#!/bin/sh\necho "nix (Nix) 2.3.16"\n');
    await chmod(fake, 0o755);
    process.env.PAVED_NIX = fake;
    const error = await failure(runNix(["eval", "--expr", "1"]));
    expect(error.code).toBe("E_NIX_TOO_OLD");
    expect(error.details.found).toBe("2.3.16");
  });

  it("explains an untracked flake.nix with git add -N", async () => {
    const dir = await repo("{ outputs = { self }: { x = 1; }; }", { track: false });
    const error = await failure(runNix(["eval", `${dir}#x`], { cwd: dir }));
    expect(error.code).toBe("E_NIX_UNTRACKED");
    expect(error.hint).toContain("git add -N flake.nix");
  });

  it("points an evaluation error at file:line:col in the checkout", async () => {
    const dir = await repo('{\n  outputs = { self }: {\n    x = 1 + "a";\n  };\n}\n');
    const error = await failure(runNix(["eval", `${dir}#x`], { cwd: dir }));
    expect(error.code).toBe("E_NIX_EVAL");
    // Nix points into its store copy of the flake; paved points at the file the user can open.
    expect(error.details.location).toMatchObject({ file: join(dir, "flake.nix"), line: 3 });
    expect(error.message).toMatch(new RegExp(`${join(dir, "flake.nix")}:3:\\d+: .*cannot add a string to an integer`));
    expect(error.details.command).toEqual(expect.arrayContaining(["eval", `${dir}#x`]));
  });

  it("reports a build failure with the log tail", async () => {
    const dir = await repo(`{
      outputs = { self }: {
        x = builtins.derivation {
          name = "fails-${Date.now()}";
          system = "x86_64-linux";
          builder = ${SANDBOX_TOOLS_NIX}.sh;
          args = [ "-c" "echo compiling things; echo something broke >&2; exit 3" ];
        };
      };
    }`);
    const error = await failure(runNix(["build", "--no-link", `${dir}#x`], { cwd: dir }));
    expect(error.code).toBe("E_NIX_BUILD");
    expect(String(error.details.logTail)).toContain("something broke");
    expect(error.hint).toMatch(/nix log \/nix\/store\/.*\.drv/);
    expect(error.details.exitCode).toBe(1);
  });

  it("names the nix subcommand that failed, not a flag's value", async () => {
    const error = await failure(runNix(["eval", "--file", join(tmpdir(), "paved-no-such-dir", "default.nix"), "x"]));
    expect(error.code).toBe("E_NIX_FAILED");
    expect(error.message).toMatch(/^nix eval failed \(exit \d+\): /);
    expect(error.message).not.toContain("nix-command flakes");
    const store = await mkdtemp(join(tmpdir(), "paved-store-"));
    const missing = join(store, "no-such-dir", "default.nix");
    const withStore = await failure(runNix(["--store", store, "--log-format", "raw", "eval", "--file", missing, "x"]));
    expect(withStore.message).toMatch(/^nix eval failed \(exit \d+\): /);
  });

  it("says when a flake input cannot be fetched", async () => {
    const dir = await repo(
      '{ inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05"; outputs = { self, nixpkgs }: { x = 1; }; }',
    );
    const error = await failure(runNix(["eval", `${dir}#x`], { cwd: dir }));
    expect(error.code).toBe("E_NIX_INPUT");
    expect(error.hint).toContain("--nixpkgs");
  });

  it("says Nix ran out of disk, with what frees space, when its store is full (a real ENOSPC)", async () => {
    requireTool("mount");
    const dir = await repo("{ outputs = { self }: { x = builtins.readFile ./big.txt; }; }");
    // random bytes, so the store copy of the flake cannot shrink below the 256 KiB the store has
    await writeFile(join(dir, "big.txt"), randomBytes(600_000).toString("base64"));
    execFileSync("git", ["add", "-N", "big.txt"], { cwd: dir });
    const store = join(dir, "store");
    await mkdir(store);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "paved-test-full", store]);
    try {
      const error = await failure(runNix(["--store", store, "eval", "--raw", `${dir}#x`], { cwd: dir }));
      expect(error.code, error.message).toBe("E_DISK_FULL");
      expect(error.message).toMatch(/^Nix ran out of disk space: .*No space left on device/);
      expect(error.hint).toContain("nix-collect-garbage");
    } finally {
      execFileSync("umount", [store]);
    }
  });

  it("streams progress lines and can be cancelled", async () => {
    const dir = await repo(`{
      outputs = { self }: {
        x = builtins.derivation {
          name = "slow-${Date.now()}";
          system = "x86_64-linux";
          builder = ${SANDBOX_TOOLS_NIX}.sh;
          PATH = ${SANDBOX_TOOLS_NIX}.bin;
          args = [ "-c" "sleep 30" ];
        };
      };
    }`);
    const controller = new AbortController();
    const lines: string[] = [];
    const pending = runNix(["build", "--no-link", `${dir}#x`], {
      cwd: dir,
      signal: controller.signal,
      onProgress: (line) => {
        lines.push(line);
        if (line.startsWith("building")) controller.abort();
      },
    });
    const error = await failure(pending);
    expect(error.code).toBe("E_NIX_CANCELLED");
    expect(lines.some((line) => line.startsWith("building"))).toBe(true);
  });
});
