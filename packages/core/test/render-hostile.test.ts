/**
 * Hostile text through the renderer's checked constructors, read back by the real Nix: file paths
 * (`filePath`), attribute paths of installables (`flakeAttrPath`), and look-alike nodes that did not come
 * from a constructor (the brand).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixEvalSource, nixTestEnv, requireTool } from "@paved/fixtures";
import {
  attrs,
  call,
  filePath,
  flakeAttrPath,
  fn,
  id,
  isNixExpr,
  list,
  renderNix,
  toNix,
  type NixExpr,
} from "@paved/core";

beforeAll(() => {
  requireTool("nix");
});

/** Names a string-built expression would get wrong: antiquotes, both string forms' escapes, unicode, newlines. */
const HOSTILE = [
  '${builtins.abort "x"}',
  "$${x}",
  "''",
  "'''",
  "''${x}",
  "\\",
  "\\\\",
  "\\n",
  '"',
  'a"b',
  "\b\f",
  "\\u0041",
  "é ü 中文 🙂",
  "line1\nline2",
  "tab\there",
  "with",
  "or",
  "a.b",
  "1st",
  "-x",
  " ",
  "$",
  "#",
  "%41",
];

describe("filePath", () => {
  it("reads back the very file whatever its directory is called", () => {
    const base = mkdtempSync(join(tmpdir(), "paved-hostile-"));
    const names = HOSTILE.filter((n) => !n.includes("/") && n !== "" && n !== "." && n !== "..");
    const files = names.map((name, i) => {
      const dir = join(base, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "f.txt"), `content ${i}`);
      return join(dir, "f.txt");
    });
    const read = list(files.map((f) => call(id("builtins.readFile"), filePath(f))));
    const shown = list(files.map((f) => call(id("toString"), filePath(f))));
    expect(nixEvalSource(renderNix(read))).toEqual(files.map((_, i) => `content ${i}`));
    expect(nixEvalSource(renderNix(shown))).toEqual(files);
  });

  it("refuses relative paths and NUL", () => {
    expect(() => filePath("srv/x")).toThrow(/not an absolute file path/);
    expect(() => filePath("/srv/\0x")).toThrow(/NUL/);
  });
});

describe("flakeAttrPath", () => {
  it("selects exactly the named attribute of a real flake", () => {
    const names = [
      "web-1",
      "with",
      "or",
      "a.b",
      "1st",
      "é ü 中文 🙂",
      "'",
      "${x}",
      "\\",
      "a b",
      "$",
      "50%",
      "%41",
      "a#b",
      "a?b",
      "a\nb",
    ];
    const dir = mkdtempSync(join(tmpdir(), "paved-flake-attrs-"));
    const outputs = attrs(Object.fromEntries(names.map((n, i) => [n, attrs({ config: attrs({ value: i }) })])));
    const flake = attrs({ outputs: fn({ params: ["self"] }, attrs({ hosts: outputs })) });
    writeFileSync(join(dir, "flake.nix"), renderNix(flake));
    for (const [i, name] of names.entries()) {
      const out = execFileSync(
        "nix",
        ["eval", "--json", `path:${dir}#${flakeAttrPath(["hosts", name, "config", "value"])}`],
        {
          env: nixTestEnv(),
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      expect({ name, value: JSON.parse(out) }).toEqual({ name, value: i });
    }
  });

  it("refuses what Nix's attribute-path syntax cannot carry", () => {
    for (const bad of ['a"b', ""]) expect(() => flakeAttrPath(["x", bad]), bad).toThrow(/cannot be part/);
    expect(() => flakeAttrPath([])).toThrow(/at least one name/);
  });
});

describe("the node brand", () => {
  it("treats a look-alike object as data, never as code", () => {
    const fake = { kind: "raw", text: 'builtins.abort "injected"' } as unknown as NixExpr;
    expect(isNixExpr(fake)).toBe(false);
    expect(nixEvalSource(renderNix(toNix(fake as never)))).toEqual({ kind: "raw", text: 'builtins.abort "injected"' });
  });

  it("is a type error to build a node by hand (checked by `pnpm typecheck`)", () => {
    // @ts-expect-error an object literal is not a NixExpr: only the constructors make nodes
    const forged: NixExpr = { kind: "raw", text: "1" };
    expect(isNixExpr(forged)).toBe(false);
  });

  it("cannot be forged with a registered symbol", () => {
    const forged = {
      kind: "raw",
      text: "1",
      [Symbol.for("paved.nix.expr")]: true,
      [Symbol.for("paved.nix.node")]: true,
    };
    expect(isNixExpr(forged)).toBe(false);
  });
});
