/**
 * What the builders mean, checked by the real `nix eval` (one call for the whole table), the `nix`
 * template tag, and the errors bad input gets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { nixEvalSource, requireTool } from "@paved/fixtures";
import { isPavedError } from "@paved/core";
import {
  attrs,
  bind,
  call,
  float,
  fn,
  id,
  ifElse,
  inherit,
  inheritFrom,
  int,
  interp,
  letIn,
  list,
  nix,
  op,
  path,
  raw,
  renderNix,
  sel,
  str,
  withScope,
  type NixValue,
} from "@paved/core";

beforeAll(() => {
  requireTool("nix");
});

const typeOf = (v: NixValue) => call(id("builtins.typeOf"), v);
const nixToString = (v: NixValue) => call(id("builtins.toString"), v);

/** [expression, what Nix must evaluate it to] */
const TABLE: [string, NixValue, unknown][] = [
  ["left-assoc minus keeps its grouping", op(op(1, "-", 2), "-", op(3, "-", 4)), 0],
  ["right operand of minus is parenthesised", op(1, "-", op(2, "-", 3)), 2],
  ["+ under * is parenthesised", op(op(1, "+", 2), "*", 3), 9],
  ["++ chains", op(list([1]), "++", op(list([2]), "++", list([3]))), [1, 2, 3]],
  ["// is right-biased", op({ a: 1 }, "//", op({ b: 2 }, "//", { a: 3 })), { a: 3, b: 2 }],
  ["-> and &&", op(op(1, "==", 1), "&&", op(true, "->", op(2, "<", 3))), true],
  ["negative numbers as arguments", call(fn("x", op(id("x"), "*", 2)), -3), -6],
  ["negative numbers in lists", [-1, -2, [-3]], [-1, -2, [-3]]],
  [
    "set pattern with defaults and ...",
    call(fn({ params: [["a", 1], "b"], ellipsis: true }, op(id("a"), "+", id("b"))), { b: 2, c: 3 }),
    3,
  ],
  ["args@ binding", call(fn({ params: ["a"], ellipsis: true, bind: "args" }, sel(id("args"), "c")), { a: 1, c: 5 }), 5],
  ["curried name heads", call(call(fn("a", fn("b", op(id("a"), "-", id("b")))), 10), 4), 6],
  ["let with inherit (src)", letIn([["x", { y: 1 }], inheritFrom(id("x"), "y")], id("y")), 1],
  ["let inside a binding", { v: letIn({ x: 2 }, op(id("x"), "*", id("x"))) }, { v: 4 }],
  ["inherit from the scope", letIn({ q: "w" }, attrs([inherit("q")])), { q: "w" }],
  [
    "rec attrs",
    attrs(
      [
        ["a", 1],
        ["b", op(id("a"), "+", 1)],
      ],
      { rec: true },
    ),
    { a: 1, b: 2 },
  ],
  ["sel with or (missing)", sel({ a: 1 }, "b", "dflt"), "dflt"],
  ["sel with a quoted path", sel({ "a b": { c: 7 } }, ["a b", "c"]), 7],
  ["sel on a call result", sel(call(fn("x", id("x")), { k: 8 }), "k"), 8],
  ["dotted id", letIn({ p: { q: { r: 9 } } }, id("p.q.r")), 9],
  ["if/else if/else", ifElse(false, 1, ifElse(true, 2, 3)), 2],
  ["with scope", withScope({ x: 7 }, id("x")), 7],
  ["attribute path merges with a set", attrs([["a", { b: 1 }], bind(["a", "c"], 2)]), { a: { b: 1, c: 2 } }],
  [
    "floats stay floats",
    [typeOf(1.5), typeOf(float(2)), typeOf(float(1e21)), typeOf(float(5e-7)), typeOf(-2.5), typeOf(3)],
    ["float", "float", "float", "float", "float", "int"],
  ],
  [
    "float literals are read as written",
    [op(float(0.1), "==", raw("0.1")), op(float(1e21), "==", raw("1.0e21")), op(-2.5, "<", 0)],
    [true, true, true],
  ],
  ["64-bit integers as bigint", nixToString(int(2n ** 62n)), "4611686018427387904"],
  ["max safe integer", nixToString(Number.MAX_SAFE_INTEGER), "9007199254740991"],
  ["paths are paths", call(id("builtins.isPath"), path("./table.nix")), true],
  ["import of a path", call(id("import"), path("./lib.nix")), { fromLib: true }],
  ["search paths parse", call(id("builtins.typeOf"), fn("x", path("<nixpkgs/lib>"))), "lambda"],
  ["raw is spliced as code, in parentheses where needed", call(fn("x", id("x")), raw("1 + 1")), 2],
  ["template splices values as expressions", nix`builtins.length ${[1, 2, 3]}`, 3],
  ["template escapes strings", nix`builtins.stringLength ${'${builtins.abort "x"}'}`, 21],
  ["template parenthesises calls", nix`builtins.length ${call(id("builtins.attrNames"), { a: 1, b: 2 })}`, 2],
  ["antiquotation", interp`x-${nixToString(42)}-${"${y}"}-${interp`${"z"}`}`, "x-42-${y}-z"],
  ["multi-line antiquotation", interp`a\n  ${nixToString(1)}\nb'\n${str("'")}'\n`, "a\n  1\nb'\n''\n"],
  ["undefined object values are left out", { a: 1, b: undefined }, { a: 1 }],
  [
    "Maps keep their order",
    new Map<string, NixValue>([
      ["z", 1],
      ["a", 2],
    ]),
    { z: 1, a: 2 },
  ],
  ["null-prototype objects", Object.assign(Object.create(null) as Record<string, NixValue>, { k: "v" }), { k: "v" }],
];

describe("builders mean what they say (one nix eval for the table)", () => {
  it(`evaluates ${TABLE.length} expressions to the expected values`, () => {
    const actual = nixEvalSource(renderNix(list(TABLE.map(([, e]) => e))), {
      "lib.nix": renderNix({ fromLib: true }),
    }) as unknown[];
    TABLE.forEach(([name, , want], i) => expect({ name, value: actual[i] }).toEqual({ name, value: want }));
  });
});

describe("nix template tag", () => {
  it("dedents, indents spliced values like their line, and escapes strings", () => {
    const packages = list([id("pkgs.git"), call(id("pkgs.callPackage"), path("./tool.nix"), {})]);
    const module = nix`
      { pkgs, ... }:
      {
        environment.systemPackages = ${packages};
        environment.etc.motd.text = ${"hello ${USER}\nbye\n"};
      }
    `;
    expect(renderNix({ imports: [module] })).toBe(
      [
        "{",
        "  imports = [",
        "    ({ pkgs, ... }:",
        "    {",
        "      environment.systemPackages = [",
        "        pkgs.git",
        "        (pkgs.callPackage ./tool.nix { })",
        "      ];",
        "      environment.etc.motd.text = ''",
        "        hello ''${USER}",
        "        bye",
        "      '';",
        "    })",
        "  ];",
        "}",
        "",
      ].join("\n"),
    );
  });
});

describe("bad input is refused with E_INPUT and a hint", () => {
  const BAD: [string, () => unknown][] = [
    ["NUL in a string", () => str("a\0b")],
    ["NUL in a plain value", () => renderNix(["ok", "a\0"])],
    ["NUL in an attribute name", () => attrs({ "a\0": 1 })],
    ["NUL in raw code", () => raw("\0")],
    ["NUL in an antiquoted string", () => interp`${"\0"}`],
    ["lone surrogate", () => str("\uD800x")],
    ["path without ./", () => path("hosts/a.nix")],
    ["path with a space", () => path("./a b.nix")],
    ["path with a trailing slash", () => path("./a/")],
    ["path with ${", () => path("./${x}")],
    ["empty path", () => path("")],
    ["path with //", () => path(".//a")],
    ["keyword as identifier", () => id("let")],
    ["identifier with a space", () => id("a b")],
    ["identifier starting with a digit", () => id("1a")],
    ["keyword as parameter", () => fn("in", 1)],
    ["duplicate parameter", () => fn({ params: ["a", "a"] }, 1)],
    ["NaN", () => float(Number.NaN)],
    ["Infinity", () => renderNix(Number.POSITIVE_INFINITY)],
    ["unsafe integer", () => int(2 ** 53)],
    ["integer beyond 64 bits", () => int(2n ** 63n)],
    [
      "duplicate attribute",
      () =>
        attrs([
          ["a", 1],
          ["a", 2],
        ]),
    ],
    ["duplicate attribute path", () => attrs([bind(["a", "b"], 1), bind(["a", "b"], 2)])],
    ["path through a non-set", () => attrs([["a", 1], bind(["a", "b"], 2)])],
    ["inherit clashing with a binding", () => attrs([inherit("a"), ["a", 1]])],
    ["undefined in a list", () => list([1, undefined as unknown as NixValue])],
    ["a class instance", () => renderNix(new Date() as unknown as NixValue)],
    ["a function", () => renderNix((() => 1) as unknown as NixValue)],
    ["call without arguments", () => call(id("f"))],
    ["empty attribute path", () => bind([], 1)],
    ["empty selection", () => sel(id("a"), [])],
    ["inherit nothing", () => inherit()],
  ];
  for (const [name, make] of BAD) {
    it(name, () => {
      let caught: unknown;
      try {
        make();
      } catch (e) {
        caught = e;
      }
      expect(isPavedError(caught, "E_INPUT"), String(caught)).toBe(true);
      expect((caught as { hint?: string }).hint ?? "").not.toBe("");
    });
  }

  it("accepts every path literal form Nix has", () => {
    for (const p of ["./a.nix", "../x/y-1.2_+z", "/etc/nixos", "~/src", "./.", "<nixpkgs>", "<nixpkgs/lib>"]) {
      expect(renderNix(path(p), { trailingNewline: false })).toBe(p);
    }
  });
});
