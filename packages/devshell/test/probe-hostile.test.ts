/**
 * The nixpkgs probe with names and paths a string-built expression would break on: the nixpkgs directory and
 * the attribute names hold antiquotes, both string forms' escapes, backslashes, unicode and newlines. One real
 * `nix eval` must find exactly the attributes that exist, with their versions.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nixTestEnv, requireTool } from "@paved/fixtures";
import { attrs, fn, renderNix } from "@paved/core";
import { probeAttributes } from "@paved/devshell";

const HOSTILE = [
  '${builtins.abort "x"}',
  "''",
  "''${x}",
  "\\",
  "\\u0041",
  "\b\f",
  'a"b',
  "é 中文 🙂",
  "two\nlines",
  "with",
  "1st",
];

describe("probeAttributes with hostile names", () => {
  it("finds exactly the attributes that exist, through a nixpkgs at a hostile path", async () => {
    requireTool("nix");
    const dir = join(mkdtempSync(join(tmpdir(), "paved-probe-")), "nix${pkgs} ''x'' \\ é");
    mkdirSync(dir, { recursive: true });
    const pkg = (version: string) => attrs({ version, type: "derivation" });
    const set = Object.fromEntries(HOSTILE.map((name, i) => [name, pkg(`1.${i}`)]));
    const nixpkgs = attrs({
      ...set,
      "scope${x}": attrs(Object.fromEntries(HOSTILE.map((name, i) => [name, pkg(`2.${i}`)]))),
    });
    writeFileSync(join(dir, "default.nix"), renderNix(fn({ params: [], ellipsis: true }, nixpkgs)));

    const present = HOSTILE.filter((n) => !n.includes("."));
    const missing = ["${missing}", "also\nmissing"];
    const result = await probeAttributes(dir, [...present, ...missing, "scope${x}.with", "scope${x}.nope"], {
      override: dir,
      env: nixTestEnv() as Record<string, string>,
    });

    for (const name of present)
      expect({ name, version: result.found[name] }).toEqual({ name, version: `1.${HOSTILE.indexOf(name)}` });
    for (const name of missing) expect({ name, version: result.found[name] }).toEqual({ name, version: null });
    expect(result.found["scope${x}.with"]).toBe(`2.${HOSTILE.indexOf("with")}`);
    expect(result.found["scope${x}.nope"]).toBeNull();
    expect(result.source).toBe(dir);
  });
});
