/**
 * Core's Nix-version layer on what each supported Nix really printed: the recordings in nix-recorded/<version>/
 * (made by scripts/record-nix-outputs.sh on Debian 12's Nix 2.8 and Debian 13's Nix 2.26). The real runs of
 * the same calls are in nix-runner.test.ts and the rest of the suite, on whichever Nix the machine has.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  classifyNixFailure,
  derivationInstallable,
  parseBuildResults,
  parseNixVersion,
  parsePathInfo,
  type NixVersion,
} from "@paved/core";

const recorded = fileURLToPath(new URL("./nix-recorded", import.meta.url));
const versions = readdirSync(recorded).sort();

function read(version: string, name: string) {
  const file = (ext: string) => readFileSync(join(recorded, version, `${name}.${ext}`), "utf8");
  return { stdout: file("stdout"), stderr: file("stderr"), exit: Number(file("exit").trim()) };
}

function failure(version: string, name: string, argv = ["nix", "eval", ".#x"]) {
  const r = read(version, name);
  expect(r.exit, `${name} should have failed on ${version}`).not.toBe(0);
  return classifyNixFailure({ argv, exitCode: r.exit, stderr: r.stderr });
}

it("has recordings of the oldest supported Nix and of Debian 13's", () => {
  expect(versions.some((v) => v.startsWith("2.8."))).toBe(true);
  expect(versions.some((v) => v.startsWith("2.26."))).toBe(true);
});

describe.each(versions)("Nix %s", (dir) => {
  const version = parseNixVersion(readFileSync(join(recorded, dir, "version.txt"), "utf8")) as NixVersion;

  it("says which version it is", () => {
    expect(version.version).toBe(dir);
  });

  it("builds a derivation's outputs with the installable core picks for it", () => {
    const caret = read(dir, "build-drv-caret");
    const plain = read(dir, "build-drv-plain");
    const drv = "/nix/store/HASH-rec-STAMP.drv";
    const picked = derivationInstallable(drv, version) === `${drv}^*` ? caret : plain;
    expect(picked.exit).toBe(0);
    expect(parseBuildResults(picked.stdout)).toEqual([{ drvPath: drv, outputs: { out: "/nix/store/HASH-rec-STAMP" } }]);
  });

  it("reads nix build --json for several installables", () => {
    const built = parseBuildResults(read(dir, "build-json").stdout);
    expect(built.map((b) => b.drvPath).sort()).toEqual([
      "/nix/store/HASH-rec-STAMP.drv",
      "/nix/store/HASH-rec-multi-STAMP.drv",
    ]);
    expect(built.find((b) => b.drvPath.includes("multi"))?.outputs.out).toBe("/nix/store/HASH-rec-multi-STAMP");
  });

  it("reads nix path-info --json, valid and invalid paths", () => {
    const [info] = parsePathInfo(read(dir, "path-info-json").stdout);
    expect(info).toMatchObject({ path: "/nix/store/HASH-rec-STAMP", valid: true, references: [] });
    expect(info!.closureSize).toBeGreaterThan(0);
    expect(info!.closureSize).toBe(info!.narSize);
    const missing = read(dir, "path-info-missing");
    if (missing.exit === 0)
      expect(parsePathInfo(missing.stdout)).toEqual([{ path: "/nix/store/HASH-missing", valid: false }]);
  });

  it("an evaluation error keeps Nix's message and points at the expression", () => {
    const error = failure(dir, "eval-error");
    expect(error.code).toBe("E_NIX_EVAL");
    expect(error.message).toContain("cannot add a string to an integer");
    expect(error.details.location).toMatchObject({ line: 9, column: 13 });
    expect(error.hint).toMatch(/flake\.nix:9:13/);
  });

  it("an error deep inside a function points at where it happened, not the outermost call", () => {
    const error = failure(dir, "eval-error-deep");
    expect(error.code).toBe("E_NIX_EVAL");
    expect(error.message).toMatch(/attribute 'missing' missing/);
    expect(error.details.location).toMatchObject({ line: 10, column: 21 });
  });

  it("a syntax error is an evaluation error at its line", () => {
    const error = failure(dir, "syntax-error");
    expect(error.code).toBe("E_NIX_EVAL");
    expect(error.message).toMatch(/syntax error/);
    expect(error.details.location).toMatchObject({ line: 1 });
  });

  it("an untracked flake.nix says to git add -N it", () => {
    const error = failure(dir, "untracked");
    expect(error.code).toBe("E_NIX_UNTRACKED");
    expect(error.hint).toContain("git add -N flake.nix");
  });

  it("a missing attribute is an evaluation error, not a network problem", () => {
    const error = failure(dir, "missing-attribute");
    expect(error.code).toBe("E_NIX_EVAL");
    expect(error.message).toContain("nope");
    expect(error.hint).not.toMatch(/network/i);
  });

  it("an input that cannot be fetched is E_NIX_INPUT", () => {
    expect(failure(dir, "input-unreachable").code).toBe("E_NIX_INPUT");
  });

  it("a failing subcommand is E_NIX_FAILED with Nix's own words", () => {
    const error = failure(dir, "eval-missing-file", [
      "nix",
      "--extra-experimental-features",
      "nix-command flakes",
      "eval",
      "--file",
      "x",
    ]);
    expect(error.code).toBe("E_NIX_FAILED");
    expect(error.message).toMatch(/^nix eval failed \(exit 1\): .*no-such-dir\/default\.nix/);
  });

  it("a failed build carries the builder's log tail", () => {
    const error = failure(dir, "build-failure", ["nix", "build", ".#broken"]);
    expect(error.code).toBe("E_NIX_BUILD");
    expect(String(error.details.logTail)).toContain("something broke");
    expect(error.hint).toContain("nix log /nix/store/HASH-rec-broken-STAMP.drv");
  });

  it("print-dev-env --json has typed variables", () => {
    const env = JSON.parse(read(dir, "print-dev-env").stdout) as {
      variables: Record<string, { type: string; value: unknown }>;
    };
    expect(env.variables.FOO).toEqual({ type: "exported", value: "bar baz" });
    expect(env.variables.out?.type).toBe("exported");
  });

  it("nix-env sets a profile generation and lists it as current", () => {
    expect(read(dir, "profile-set").exit).toBe(0);
    expect(read(dir, "profile-list").stdout).toMatch(/^\s*1\s+DATE\s+\(current\)\s*$/m);
  });
});
