/**
 * `pnpm lint:nix` (scripts/check-nix-strings.ts): run as the CLI it is, on the repository (which must be clean)
 * and on planted violations (which must each be reported with file:line:col and exit 1).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("..", import.meta.url));
const script = join(repo, "scripts/check-nix-strings.ts");
const tsx = join(repo, "node_modules/.bin/tsx");

function lint(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [script, ...args], { cwd: repo }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function plant(name: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-lint-nix-"));
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe("pnpm lint:nix", () => {
  it("finds nothing in the shipped sources", async () => {
    const r = await lint([]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("reports each planted Nix-from-a-string with file:line:col and exits 1", async () => {
    const file = plant(
      "bad.ts",
      [
        'const host = "web";',
        "export const a = `${flake}#nixosConfigurations.${JSON.stringify(host)}.config`;",
        "export const b = `cs: builtins.mapAttrs (n: c: c) cs`;",
        "export const c = [",
        '  "let",',
        "  `  system = ${JSON.stringify(host)};`,",
        '  "in x",',
        "];",
        "export const d = `{ pkgs, lib, ... }: { }`;",
        'export const e = "import ./hosts/web.nix";',
        "export const f = `pkgs.mkShell { }`;",
        "",
      ].join("\n"),
    );
    const r = await lint([file]);
    expect(r.code).toBe(1);
    const reported = r.stderr
      .split("\n")
      .filter((l) => l.startsWith(file))
      .map((l) => l.slice(file.length).split(" ")[0]);
    expect(reported).toEqual([":2:27:", ":3:23:", ":6:6:", ":9:19:", ":10:19:", ":11:24:"]);
    expect(r.stderr).toContain("[attrpath-interp]");
    expect(r.stderr).toContain("[builtins]");
    expect(r.stderr).toContain("[binding]");
  });

  it("lets the renderer's own tagged templates, bare names and allowed messages through", async () => {
    const file = plant(
      "good.ts",
      [
        'import { id, nix } from "@paved/core";',
        "export const a = nix`s: builtins.attrNames s.config.users`;",
        'export const b = id("builtins.getFlake");',
        "// nix-strings: allow an example in a hint, never evaluated",
        'export const c = "set `paved.bastion.enable = true;` on the host";',
        "export const d = `echo ${name} > out; nix build .#web`;",
        "",
      ].join("\n"),
    );
    const r = await lint([file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
