/**
 * The renderer's escaping, proven against the real Nix: random and hostile values are rendered into one
 * Nix expression per batch, `nix eval --json` reads it back, and the JSON must equal what went in.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { nixEvalSource, requireTool } from "@paved/fixtures";
import {
  attrs,
  bind,
  id,
  inherit,
  inheritFrom,
  interp,
  letIn,
  list,
  renderNix,
  str,
  type NixExpr,
  type NixValue,
} from "@paved/core";

beforeAll(() => {
  requireTool("nix");
});

/** One real `nix eval --json` of the rendered source. */
const nixEval = (source: string): unknown => nixEvalSource(source);

/** Nix reads `list(values)` back as exactly `expected`; the first differing item is named on failure. */
function expectRoundTrip(values: readonly NixValue[], expected: readonly unknown[]): void {
  const actual = nixEval(renderNix(list(values))) as unknown[];
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < expected.length; i++) expect({ i, value: actual[i] }).toEqual({ i, value: expected[i] });
}

/* ---------------- generators ---------------- */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const validText = (s: string) => !s.includes("\0") && !LONE_SURROGATE.test(s);

/** Pieces that break naive escaping, mixed with ordinary and exotic text. */
const hostilePiece = fc.constantFrom(
  "$",
  "$$",
  "{",
  "}",
  "${",
  "$${",
  "'",
  "''",
  "'''",
  "\\",
  '"',
  "\n",
  "\n",
  "\n",
  "\t",
  "\r",
  "\r\n",
  " ",
  "  ",
  "    ",
  "a",
  "x y",
  "é",
  "😀",
  "e\u0301",
  "\u202eRTL\u202c",
  "שלום",
  "\u00a0",
  "\u2028",
  "\u0001",
  "\u007f",
  "\ufeff",
  "or",
  "in",
);
const hostileText = fc.array(hostilePiece, { maxLength: 24 }).map((a) => a.join(""));
const unicodeText = fc.string({ unit: "binary", maxLength: 24 }).filter(validText);
const text = fc.oneof(hostileText, hostileText, unicodeText, fc.string({ unit: "grapheme", maxLength: 12 }));

const attrName = fc.oneof(
  text,
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_'-]{0,8}$/),
  fc.constantFrom(
    "if",
    "then",
    "else",
    "assert",
    "with",
    "let",
    "in",
    "rec",
    "inherit",
    "or",
    "__curPos",
    "true",
    "null",
    "",
    "a.b",
    "1x",
  ),
);

const { value } = fc.letrec<{ value: unknown; list: unknown[]; obj: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, -1),
    fc.boolean(),
    fc.constant(null),
    tie("list"),
    tie("obj"),
  ),
  list: fc.array(tie("value"), { maxLength: 4 }),
  obj: fc.dictionary(attrName, tie("value"), { maxKeys: 4 }),
}));

const seed = process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) };

/* ---------------- properties ---------------- */

describe("renderer round-trips through real nix eval", () => {
  it("random strings, one nix eval per batch of 500", () => {
    let multiLine = 0;
    let indented = 0;
    fc.assert(
      fc.property(fc.array(text, { minLength: 500, maxLength: 500 }), (strings) => {
        for (const s of strings) {
          if (!s.includes("\n")) continue;
          multiLine++;
          if (renderNix(s, { trailingNewline: false }).startsWith("''")) indented++;
        }
        // Strings at several depths, so `''…''` is exercised at different indentations.
        const values = strings.map((s, i) => (i % 3 === 0 ? s : i % 3 === 1 ? { k: [s] } : { a: { b: { c: s } } }));
        expectRoundTrip(values, values);
      }),
      { numRuns: 8, ...seed },
    );
    // The indented form must really be exercised, not always fall back to "…".
    expect(multiLine).toBeGreaterThan(500);
    expect(indented).toBeGreaterThan(multiLine / 4);
  });

  it("random nested values with hostile attribute names, one nix eval per batch of 200", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 200, maxLength: 200 }), (values) => {
        expectRoundTrip(values as NixValue[], values);
      }),
      { numRuns: 8, ...seed },
    );
  });

  it("random attribute paths (`a.b.c = v;`) and antiquoted strings, one nix eval per batch", () => {
    const pathBinding = fc.tuple(fc.array(attrName, { minLength: 1, maxLength: 4 }), text);
    const interpParts = fc.array(fc.tuple(text, fc.boolean()), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(pathBinding, { maxLength: 5 }), interpParts), { minLength: 150, maxLength: 150 }),
        (cases) => {
          const values: NixExpr[] = [];
          const expected: unknown[] = [];
          for (const [bindings, parts] of cases) {
            // Distinct first names keep the paths free of conflicts; the expected value nests them.
            const tree: Record<string, unknown> = {};
            const bs = bindings.map(([p, v], i) => {
              const keyPath = [`p${i}`, ...p];
              let node = tree;
              for (const k of keyPath.slice(0, -1)) node = (node[k] ??= Object.create(null)) as Record<string, unknown>;
              node[keyPath[keyPath.length - 1]!] = v;
              return bind(keyPath, v);
            });
            values.push(attrs(bs));
            expected.push(tree);
            // `${"text"}` antiquotations next to literal text: interp`a${str(x)}b…`.
            const strings = ["", ...parts.map(([t, asExpr]) => (asExpr ? "" : t))];
            const exprs = parts.map(([t, asExpr]) => (asExpr ? str(t) : ""));
            const tsa = Object.assign([...strings], { raw: strings }) as unknown as TemplateStringsArray;
            values.push(interp(tsa, ...exprs));
            expected.push(parts.map(([t]) => t).join(""));
          }
          expectRoundTrip(values, expected);
        },
      ),
      { numRuns: 6, ...seed },
    );
  });
});

/* ---------------- hostile fixed cases ---------------- */

const HOSTILE: readonly string[] = [
  '${builtins.abort "x"}',
  "${",
  "''${",
  "''${x}''",
  '\\"',
  "\\${x}",
  "$",
  "$$",
  "$${",
  "$${x}",
  "x$",
  "''",
  "'''",
  "''''",
  "'",
  "a'",
  "trailing backslash \\",
  "\\",
  "\\\\n",
  "line1\nline2",
  "line1\nline2\n",
  "\n",
  "\n\n",
  "\nstarts with newline\n",
  "  leading spaces\n  on every line\n",
  "  leading spaces\nand one flush line\n",
  "\tleading tab\n\tsecond\n",
  "mixed\n \t space then tab\n\t  tab then spaces\n",
  "empty lines\n\n\nbetween\n",
  "spaces-only lines\n   \n \nend\n",
  "last line only spaces\n   ",
  "ends without newline\nlast",
  "quote at the end\n'",
  "quotes at the end\n''",
  "three quotes\n'''",
  "quote then antiquote\n'${x}",
  "dollar at the end\n$",
  "emoji 😀👩‍👩‍👧 and flags 🇩🇪\n",
  "combining e\u0301 and RTL \u202eabc\u202c שלום مرحبا\n",
  "crlf\r\nline\r\n",
  "lone cr\rhere",
  "\r",
  "tab\there",
  "control \u0001\u001b[0m \u007f",
  "line separator \u2028 paragraph \u2029",
  "BOM \ufeff",
];

describe("hostile strings", () => {
  it("each comes back exactly: as a value, as an attribute name, inherited, and nested at depth", () => {
    const values: NixValue[] = [];
    const expected: unknown[] = [];
    for (const s of HOSTILE) {
      values.push(s, { [s]: s }, { a: { b: [{ c: s }] } }, attrs([bind(["x", s, "y"], s)]));
      expected.push(s, { [s]: s }, { a: { b: [{ c: s }] } }, { x: { [s]: { y: s } } });
      // Quoted names in `inherit (src) "…";`, in `let "…" = …;` and in `inherit "…";`.
      values.push(letIn([["src", { [s]: s }]], attrs([inheritFrom(id("src"), s)])));
      expected.push({ [s]: s });
      values.push(letIn([[s, s]], attrs([inherit(s)])));
      expected.push({ [s]: s });
    }
    expectRoundTrip(values, expected);
  });

  it("the same strings next to antiquotations come back exactly", () => {
    const values = HOSTILE.map((s) => interp`${s}${str(s)}${s}${interp`${s}`}`);
    expectRoundTrip(
      values,
      HOSTILE.map((s) => s.repeat(4)),
    );
  });

  it("renders the famous ones the way a reader expects", () => {
    expect(renderNix('${builtins.abort "x"}', { trailingNewline: false })).toBe('"\\${builtins.abort \\"x\\"}"');
    expect(renderNix("$", { trailingNewline: false })).toBe('"$"');
    expect(renderNix("echo ${HOME}\nexit 0\n", { trailingNewline: false })).toBe("''\n  echo ''${HOME}\n  exit 0\n''");
    expect(renderNix("a\r\nb", { trailingNewline: false })).toBe('"a\\r\\nb"');
  });
});
