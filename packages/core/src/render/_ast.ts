/**
 * The Nix expression tree and its builders. Plain JS values convert on the way in (string → string
 * literal, number → int or float, array → list, plain object or Map → attribute set), so callers
 * rarely build nodes by hand. Text only becomes Nix code through `raw` (and the literal parts of the
 * `nix` template tag); everything else is escaped by the renderer.
 */
import { PavedError } from "../errors.ts";
import { checkPathLiteral, checkText, formatFloat, formatInt, isNixIdentifier } from "./_escape.ts";

/** "auto": `''…''` for multi-line text when that form is exact, else `"…"`; "double": always `"…"`. */
export type StringStyle = "auto" | "double";
export type BinaryOperator =
  | "++"
  | "//"
  | "+"
  | "-"
  | "*"
  | "/"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "&&"
  | "||"
  | "->";

/**
 * Every node carries this brand, a symbol that never leaves this module: TypeScript refuses an object literal
 * where a NixExpr is expected, and at run time `toNix` and the renderer refuse look-alikes, so only the
 * checked constructors below make Nix code.
 */
declare const nixNode: unique symbol;
type Branded<T> = T & { readonly [nixNode]: true };

type ExprShape =
  | { readonly kind: "str"; readonly parts: readonly (string | NixExpr)[]; readonly style: StringStyle }
  | { readonly kind: "int"; readonly value: string }
  | { readonly kind: "float"; readonly value: string }
  | { readonly kind: "path"; readonly value: string }
  | { readonly kind: "id"; readonly name: string }
  | { readonly kind: "list"; readonly items: readonly NixExpr[] }
  | { readonly kind: "attrs"; readonly bindings: readonly NixBinding[]; readonly rec: boolean }
  | { readonly kind: "sel"; readonly base: NixExpr; readonly path: readonly string[]; readonly or?: NixExpr }
  | { readonly kind: "call"; readonly fn: NixExpr; readonly args: readonly NixExpr[] }
  | { readonly kind: "fn"; readonly head: FnHead; readonly body: NixExpr }
  | { readonly kind: "let"; readonly bindings: readonly NixBinding[]; readonly body: NixExpr }
  | { readonly kind: "if"; readonly cond: NixExpr; readonly then: NixExpr; readonly else: NixExpr }
  | { readonly kind: "with"; readonly scope: NixExpr; readonly body: NixExpr }
  | { readonly kind: "op"; readonly op: BinaryOperator; readonly left: NixExpr; readonly right: NixExpr }
  | { readonly kind: "raw"; readonly text: string }
  | { readonly kind: "template"; readonly strings: readonly string[]; readonly values: readonly NixExpr[] };

type BindingShape =
  | { readonly kind: "bind"; readonly path: readonly string[]; readonly value: NixExpr }
  | { readonly kind: "inherit"; readonly names: readonly string[]; readonly from?: NixExpr };

/** A Nix expression; made only by this module's constructors (see the brand above). */
export type NixExpr = Branded<ExprShape>;
export type NixBinding = Branded<BindingShape>;

/** `x:` (a name) or `{ a, b ? 1, ... }@args:`. */
export type FnHead =
  | { readonly kind: "name"; readonly name: string }
  | {
      readonly kind: "set";
      readonly params: readonly { readonly name: string; readonly default?: NixExpr }[];
      readonly ellipsis: boolean;
      readonly bind?: string;
    };

/** Anything the builders accept: a tree node or a plain JS value that converts. */
export type NixValue =
  | NixExpr
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly NixValue[]
  | ReadonlyMap<string, NixValue | undefined>
  | { readonly [key: string]: NixValue | undefined };

/** Bindings in the order given: an object, a Map, or entries where a key array is an attribute path. */
export type NixBindings =
  | { readonly [key: string]: NixValue | undefined }
  | ReadonlyMap<string, NixValue | undefined>
  | readonly (NixBinding | readonly [key: string | readonly string[], value: NixValue])[];

export interface AttrsOptions {
  /** `rec { … }` */
  rec?: boolean;
  /** Sort bindings by attribute path (inherits stay first, in order). Default: insertion order. */
  sort?: boolean;
}

const KINDS = new Set<string>([
  "str",
  "int",
  "float",
  "path",
  "id",
  "list",
  "attrs",
  "sel",
  "call",
  "fn",
  "let",
  "if",
  "with",
  "op",
  "raw",
  "template",
]);
// Not Symbol.for: a registered symbol could be forged by anyone who knows its name.
const BRAND = Symbol("paved.nix.node");

function node<T extends ExprShape | BindingShape>(n: T): Branded<T> {
  Object.defineProperty(n, BRAND, { value: true });
  return Object.freeze(n) as Branded<T>;
}

export function isNixExpr(v: unknown): v is NixExpr {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as Record<symbol, unknown>)[BRAND] === true &&
    KINDS.has((v as NixExpr).kind)
  );
}

function isBinding(v: unknown): v is NixBinding {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as Record<symbol, unknown>)[BRAND] === true &&
    ((v as NixBinding).kind === "bind" || (v as NixBinding).kind === "inherit")
  );
}

function inputError(message: string, hint: string): PavedError {
  return new PavedError("E_INPUT", message, { hint });
}

/** Converts a plain JS value (or passes a node through). `undefined` is refused except as an object value, where it means "leave out". */
export function toNix(value: NixValue): NixExpr {
  if (isNixExpr(value)) return value;
  if (value === null) return id("null");
  switch (typeof value) {
    case "string":
      return str(value);
    case "boolean":
      return id(value ? "true" : "false");
    case "bigint":
      return int(value);
    case "number":
      return Number.isInteger(value) ? int(value) : float(value);
    case "object":
      if (Array.isArray(value)) return list(value as readonly NixValue[]);
      if (
        value instanceof Map ||
        Object.getPrototypeOf(value) === Object.prototype ||
        Object.getPrototypeOf(value) === null
      ) {
        return attrs(value as NixBindings);
      }
  }
  throw inputError(
    `cannot turn ${describe(value)} into Nix`,
    "pass strings, numbers, booleans, null, arrays, plain objects or nodes from the builders",
  );
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "object" && v !== null) return `an object of class ${v.constructor?.name ?? "?"}`;
  return `a ${typeof v}`;
}

/* ---------------- scalars ---------------- */

/** A string literal; `"…"` or `''…''` chosen by the renderer (see StringStyle). */
export function str(text: string, options: { style?: StringStyle } = {}): NixExpr {
  checkText(text, "string");
  return node({ kind: "str", parts: [text], style: options.style ?? "auto" });
}

/** A string with antiquotations: ``interp`${sel(id("pkgs"), "hello")}/bin/hello` `` → `"${pkgs.hello}/bin/hello"`. JS strings in `${}` are text, nodes become `${…}`. */
export function interp(strings: TemplateStringsArray, ...values: NixValue[]): NixExpr {
  const parts: (string | NixExpr)[] = [];
  strings.forEach((s, i) => {
    const cooked = s ?? strings.raw[i]!;
    checkText(cooked, "string");
    parts.push(cooked);
    if (i < values.length) {
      const v = values[i]!;
      if (typeof v === "string") {
        checkText(v, "string");
        parts.push(v);
      } else parts.push(toNix(v));
    }
  });
  return node({ kind: "str", parts, style: "auto" });
}

export function int(n: number | bigint): NixExpr {
  return node({ kind: "int", value: formatInt(n) });
}

export function float(n: number): NixExpr {
  return node({ kind: "float", value: formatFloat(n) });
}

/** A path literal (`./hosts/a.nix`); anything that is not a valid literal is an E_INPUT error. */
export function path(p: string): NixExpr {
  checkPathLiteral(p);
  return node({ kind: "path", value: p });
}

/** A variable, optionally selected with plain names: `id("pkgs")`, `id("pkgs.lib.mkIf")`. Use `sel` for names that need quoting. */
export function id(name: string): NixExpr {
  const segments = name.split(".");
  for (const s of segments) {
    if (!isNixIdentifier(s)) {
      throw inputError(
        `${JSON.stringify(name)} is not a Nix identifier`,
        "identifiers match [a-zA-Z_][a-zA-Z0-9_'-]* and are not keywords; use sel(base, name) for other attribute names",
      );
    }
  }
  const base = node({ kind: "id", name: segments[0]! } as const);
  return segments.length === 1 ? base : node({ kind: "sel", base, path: segments.slice(1) });
}

/**
 * A file on this machine as a Nix path value, whatever characters its name has: `/. + "/srv/my nixpkgs"`.
 * (A path literal cannot hold spaces, `$` or non-ASCII; the string half is escaped like any other.)
 */
export function filePath(p: string): NixExpr {
  if (!p.startsWith("/")) {
    throw inputError(
      `${JSON.stringify(p)} is not an absolute file path`,
      "resolve the path against a directory first (path.resolve)",
    );
  }
  checkText(p, "file path");
  return op(path("/."), "+", str(p, { style: "double" }));
}

/* ---------------- structures ---------------- */

export function list(items: readonly NixValue[]): NixExpr {
  return node({
    kind: "list",
    items: items.map((v, i) => {
      if (v === undefined) throw inputError(`list item ${i} is undefined`, "remove it or use null");
      return toNix(v);
    }),
  });
}

/** One binding `a.b.c = value;` (a string key is one name; an array is an attribute path). */
export function bind(key: string | readonly string[], value: NixValue): NixBinding {
  const keyPath = typeof key === "string" ? [key] : [...key];
  if (keyPath.length === 0)
    throw inputError("an attribute path needs at least one name", "pass a name or a non-empty array of names");
  for (const k of keyPath) checkText(k, "attribute name");
  return node<BindingShape>({ kind: "bind", path: keyPath, value: toNix(value) });
}

/** `inherit a b;` */
export function inherit(...names: string[]): NixBinding {
  return inheritBinding(names, undefined);
}

/** `inherit (src) a b;` */
export function inheritFrom(src: NixValue, ...names: string[]): NixBinding {
  return inheritBinding(names, toNix(src));
}

function inheritBinding(names: string[], from: NixExpr | undefined): NixBinding {
  if (names.length === 0) throw inputError("inherit needs at least one name", "list the names to inherit");
  for (const n of names) checkText(n, "inherited name");
  return node<BindingShape>(from === undefined ? { kind: "inherit", names } : { kind: "inherit", names, from });
}

function toBindings(input: NixBindings): NixBinding[] {
  const out: NixBinding[] = [];
  if (Array.isArray(input)) {
    for (const entry of input as readonly unknown[]) {
      if (isBinding(entry)) out.push(entry);
      else if (Array.isArray(entry) && entry.length === 2)
        out.push(bind(entry[0] as string | string[], entry[1] as NixValue));
      else
        throw inputError(
          "bindings must be bind()/inherit() nodes or [key, value] pairs",
          "check the array passed as bindings",
        );
    }
    return out;
  }
  const entries = input instanceof Map ? [...input.entries()] : Object.entries(input);
  for (const [k, v] of entries) if (v !== undefined) out.push(bind(k, v as NixValue));
  return out;
}

/** An attribute set. Keys that are not identifiers are quoted; duplicate attribute paths are an error. */
export function attrs(bindings: NixBindings = {}, options: AttrsOptions = {}): NixExpr {
  let bs = toBindings(bindings);
  if (options.sort) bs = sortBindings(bs);
  checkDuplicates(bs);
  return node({ kind: "attrs", bindings: bs, rec: options.rec ?? false });
}

function sortBindings(bs: NixBinding[]): NixBinding[] {
  const inherits = bs.filter((b) => b.kind === "inherit");
  const binds = bs.filter((b): b is Extract<NixBinding, { kind: "bind" }> => b.kind === "bind");
  const key = (b: { path: readonly string[] }) => b.path.join("\u0000");
  binds.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return [...inherits, ...binds];
}

/** Nix rejects a name bound twice; catch it here with a clear message instead of at eval time. */
function checkDuplicates(bs: readonly NixBinding[]): void {
  const seen = new Map<string, NixExpr | null>();
  const fail = (name: string) => {
    throw inputError(
      `attribute ${JSON.stringify(name)} is defined more than once`,
      "merge the values into one binding",
    );
  };
  for (const b of bs) {
    if (b.kind === "inherit") {
      for (const n of b.names) {
        if (seen.has(n)) fail(n);
        seen.set(n, null);
      }
      continue;
    }
    const full = b.path.join("\u0000");
    if (seen.has(full)) fail(b.path.join("."));
    seen.set(full, b.value);
  }
  // `a = 1; a.b = 2;` is an error in Nix; `a = { … }; a.b = 2;` merges.
  for (const b of bs) {
    if (b.kind !== "bind") continue;
    for (let i = 1; i < b.path.length; i++) {
      const prefix = b.path.slice(0, i).join("\u0000");
      if (!seen.has(prefix)) continue;
      const v = seen.get(prefix);
      if (v === null || v === undefined || v.kind !== "attrs" || v.rec) fail(b.path.slice(0, i).join("."));
    }
  }
}

/** `base.a.b` or `base.a.b or default`; a string is one attribute name (it may contain dots). */
export function sel(base: NixValue, attrPath: string | readonly string[], orDefault?: NixValue): NixExpr {
  const p = typeof attrPath === "string" ? [attrPath] : [...attrPath];
  if (p.length === 0) throw inputError("sel needs at least one attribute name", "pass a name or an array of names");
  for (const k of p) checkText(k, "attribute name");
  const b = toNix(base);
  return node<ExprShape>(
    orDefault === undefined
      ? { kind: "sel", base: b, path: p }
      : { kind: "sel", base: b, path: p, or: toNix(orDefault) },
  );
}

/** Function application `f a b`; `call(id("import"), path("./x.nix"))` is `import ./x.nix`. */
export function call(fn: NixValue, ...args: NixValue[]): NixExpr {
  if (args.length === 0)
    throw inputError("call needs at least one argument", "Nix has no zero-argument calls; pass the function itself");
  return node({ kind: "call", fn: toNix(fn), args: args.map(toNix) });
}

export interface FnParams {
  /** Names, or `[name, default]` for `name ? default`. */
  params: readonly (string | readonly [string, NixValue])[];
  /** Adds `...`. Default false. */
  ellipsis?: boolean;
  /** `args@{ … }` */
  bind?: string;
}

/** A function: `fn("x", body)` is `x: body`; `fn({ params: ["pkgs", "lib"], ellipsis: true }, body)` is `{ pkgs, lib, ... }: body`. */
export function fn(head: string | FnParams, body: NixValue): NixExpr {
  const needId = (n: string) => {
    if (!isNixIdentifier(n))
      throw inputError(`${JSON.stringify(n)} cannot be a function parameter`, "parameters must be plain identifiers");
    return n;
  };
  if (typeof head === "string")
    return node({ kind: "fn", head: { kind: "name", name: needId(head) }, body: toNix(body) });
  const params = head.params.map((p) =>
    typeof p === "string" ? { name: needId(p) } : { name: needId(p[0]), default: toNix(p[1]) },
  );
  const names = params.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw inputError(`parameter ${dup} appears twice`, "list each parameter once");
  const h: FnHead =
    head.bind === undefined
      ? { kind: "set", params, ellipsis: head.ellipsis ?? false }
      : { kind: "set", params, ellipsis: head.ellipsis ?? false, bind: needId(head.bind) };
  return node({ kind: "fn", head: h, body: toNix(body) });
}

/** `let … in body` */
export function letIn(bindings: NixBindings, body: NixValue): NixExpr {
  const bs = toBindings(bindings);
  if (bs.length === 0) return toNix(body); // `let in x` is just `x`
  checkDuplicates(bs);
  return node({ kind: "let", bindings: bs, body: toNix(body) });
}

export function ifElse(cond: NixValue, then: NixValue, otherwise: NixValue): NixExpr {
  // biome-ignore lint/suspicious/noThenProperty: the node is Nix's if-then-else, never awaited
  return node({ kind: "if", cond: toNix(cond), then: toNix(then), else: toNix(otherwise) });
}

/** `with scope; body` — only when asked for; prefer `inherit (scope) …` or `sel`. */
export function withScope(scope: NixValue, body: NixValue): NixExpr {
  return node({ kind: "with", scope: toNix(scope), body: toNix(body) });
}

/** A binary operation, parenthesised by the renderer as precedence requires. */
export function op(left: NixValue, operator: BinaryOperator, right: NixValue): NixExpr {
  return node({ kind: "op", op: operator, left: toNix(left), right: toNix(right) });
}

/** Unescaped Nix code. The only way to splice text as code; keep its uses few and obvious. */
export function raw(code: string): NixExpr {
  checkText(code, "raw Nix code");
  return node({ kind: "raw", text: code });
}

/**
 * Nix code from a template: the literal text is code, every `${value}` is an escaped expression
 * (strings become string literals, nodes are spliced, in parentheses where needed). A template that
 * starts with a newline is dedented, so it can be indented like the TypeScript around it.
 */
export function nix(strings: TemplateStringsArray, ...values: NixValue[]): NixExpr {
  // Raw text keeps Nix escapes such as "\n" as written; only the two escapes JavaScript forces on a template
  // author (`\${` for a literal `${`, and an escaped backtick) are undone, so Nix's own `${…}` can be written.
  const texts = strings.raw.map((s) => s.replace(/\\\$\{/g, "${").replace(/\\`/g, "`"));
  for (const t of texts) checkText(t, "Nix template text");
  return node({ kind: "template", strings: dedent(texts), values: values.map(toNix) });
}

function dedent(texts: string[]): string[] {
  if (!/^[ \t]*\n/.test(texts[0] ?? "")) return texts;
  const MARK = "\u0000"; // NUL cannot occur in the text (checked above)
  let joined = texts
    .join(MARK)
    .replace(/^[ \t]*\n/, "")
    .replace(/\n[ \t]*$/, "");
  const lines = joined.split("\n");
  const widths = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const cut = widths.length === 0 ? 0 : Math.min(...widths);
  joined = lines.map((l) => (l.trim() === "" ? "" : l.slice(cut))).join("\n");
  return joined.split(MARK);
}
