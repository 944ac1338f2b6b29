/**
 * Renders the tree in the layout of the Nix formatter (RFC 166 / nixfmt): 2-space indent, `{ }` and
 * `[ ]` when empty, one binding per line, short lists of scalars on one line within 100 columns,
 * `let`/`in` blocks, set-pattern function heads on their own line. Output depends only on the tree.
 */
import { toNix, type BinaryOperator, type FnHead, type NixBinding, type NixExpr, type NixValue } from "./_ast.ts";
import { encodeIndented, escapeDoubleQuoted, quoteAttrName, type StringPart } from "./_escape.ts";

const WIDTH = 100;
/** Raw code that is one token or a dotted name needs no parentheses anywhere. */
const SIMPLE_RAW = /^(?:[A-Za-z_][A-Za-z0-9_'-]*(?:\.[A-Za-z_][A-Za-z0-9_'-]*)*|[0-9]+)$/;

const OPS: Record<BinaryOperator, [prec: number, assoc: "left" | "right" | "none"]> = {
  "->": [5, "right"],
  "||": [10, "left"],
  "&&": [15, "left"],
  "==": [20, "none"],
  "!=": [20, "none"],
  "<": [25, "none"],
  "<=": [25, "none"],
  ">": [25, "none"],
  ">=": [25, "none"],
  "//": [30, "right"],
  "+": [40, "left"],
  "-": [40, "left"],
  "*": [45, "left"],
  "/": [45, "left"],
  "++": [50, "right"],
};
const ATOM = 100,
  SELECT = 90,
  APPLY = 80;

function prec(e: NixExpr): number {
  switch (e.kind) {
    case "int":
    case "float":
      return e.value.startsWith("-") ? 70 : ATOM;
    case "sel":
      return SELECT;
    case "call":
      return APPLY;
    case "op":
      return OPS[e.op][0];
    case "fn":
    case "let":
    case "if":
    case "with":
      return 0;
    case "template":
      return e.values.length === 0 && SIMPLE_RAW.test(e.strings[0] ?? "") ? ATOM : 0;
    case "raw":
      return SIMPLE_RAW.test(e.text) ? ATOM : 0;
    default:
      return ATOM;
  }
}

const pad = (n: number) => " ".repeat(n);
const fits = (col: number, s: string, tail: number) => col + s.length + tail <= WIDTH;

/* ---------------- strings ---------------- */

/** Neighbouring text parts joined, so `$` + `{` and runs of `'` are escaped across part boundaries. */
function stringParts(e: Extract<NixExpr, { kind: "str" }>): (string | NixExpr)[] {
  const out: (string | NixExpr)[] = [];
  for (const p of e.parts) {
    const prev = out[out.length - 1];
    if (typeof p === "string" && typeof prev === "string") out[out.length - 1] = prev + p;
    else if (p !== "") out.push(p);
  }
  return out;
}

function indentedString(e: Extract<NixExpr, { kind: "str" }>, indent: number): string | null {
  if (e.style === "double") return null;
  const parts = stringParts(e);
  if (!parts.some((p) => typeof p === "string" && p.includes("\n"))) return null;
  const enc: StringPart[] = parts.map((p) =>
    typeof p === "string" ? p : { antiquote: renderAt(p, indent + 2, indent + 4, 1) },
  );
  return encodeIndented(enc, indent + 2, indent);
}

function doubleQuoted(e: Extract<NixExpr, { kind: "str" }>, render: (x: NixExpr) => string | null): string | null {
  const parts = stringParts(e);
  let out = '"';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (typeof p === "string") out += escapeDoubleQuoted(p, i + 1 < parts.length);
    else {
      const inner = render(p);
      if (inner === null) return null;
      out += `\${${inner}}`;
    }
  }
  return `${out}"`;
}

/* ---------------- single-line forms ---------------- */

const SCALARS = new Set(["str", "int", "float", "path", "id", "sel"]);

/** The one-line form of an expression, or null when it must span lines. */
function flat(e: NixExpr): string | null {
  switch (e.kind) {
    case "int":
    case "float":
    case "path":
      return e.value;
    case "id":
      return e.name;
    case "raw":
      return e.text.includes("\n") ? null : e.text;
    case "str": {
      if (indentedString(e, 0) !== null) return null;
      return doubleQuoted(e, flat);
    }
    case "attrs":
      return e.bindings.length === 0 ? (e.rec ? "rec { }" : "{ }") : null;
    case "list": {
      if (e.items.length === 0) return "[ ]";
      if (!e.items.every((i) => SCALARS.has(i.kind) || (i.kind === "raw" && prec(i) === ATOM))) return null;
      const items = e.items.map((i) => flatWrap(i, SELECT));
      return items.some((i) => i === null) ? null : `[ ${items.join(" ")} ]`;
    }
    case "sel": {
      const base = flatSelBase(e.base);
      const def = e.or === undefined ? "" : flatWrap(e.or, SELECT);
      if (base === null || def === null) return null;
      return `${base}.${e.path.map(quoteAttrName).join(".")}${e.or === undefined ? "" : ` or ${def}`}`;
    }
    case "call": {
      const parts = [flatWrap(e.fn, APPLY), ...e.args.map((a) => flatWrap(a, SELECT))];
      return parts.some((p) => p === null) ? null : parts.join(" ");
    }
    case "fn": {
      if (e.head.kind === "set") return null;
      const body = flat(e.body);
      return body === null ? null : `${e.head.name}: ${body}`;
    }
    case "let":
      return null;
    case "if": {
      const [c, t, f] = [flat(e.cond), flat(e.then), flat(e.else)];
      return c === null || t === null || f === null ? null : `if ${c} then ${t} else ${f}`;
    }
    case "with": {
      const [s, b] = [flat(e.scope), flat(e.body)];
      return s === null || b === null ? null : `with ${s}; ${b}`;
    }
    case "op": {
      const [l, r] = [flatWrap(e.left, operandPrec(e, "left")), flatWrap(e.right, operandPrec(e, "right"))];
      return l === null || r === null ? null : `${l} ${e.op} ${r}`;
    }
    case "template": {
      const t = renderTemplate(e, 0, 0);
      return t.includes("\n") ? null : t;
    }
  }
}

function operandPrec(e: Extract<NixExpr, { kind: "op" }>, side: "left" | "right"): number {
  const [p, assoc] = OPS[e.op];
  return assoc === side ? p : p + 1;
}

function flatWrap(e: NixExpr, min: number): string | null {
  const f = flat(e);
  return f === null ? null : prec(e) < min ? `(${f})` : f;
}

function selBaseNeedsParens(e: NixExpr): boolean {
  if (e.kind === "sel") return e.or !== undefined;
  if (e.kind === "raw") return prec(e) !== ATOM || /^[0-9]/.test(e.text);
  return !["id", "attrs", "list", "str"].includes(e.kind);
}

function flatSelBase(e: NixExpr): string | null {
  const f = flat(e);
  return f === null ? null : selBaseNeedsParens(e) ? `(${f})` : f;
}

/* ---------------- multi-line forms ---------------- */

/** Expressions that open on the current line and close on their own line (`{`, `[`, `''`, `f {`). */
function absorbable(e: NixExpr): boolean {
  switch (e.kind) {
    case "attrs":
      return e.bindings.length > 0;
    case "list":
      return e.items.length > 0;
    case "str":
      return indentedString(e, 0) !== null;
    case "call": {
      const last = e.args[e.args.length - 1]!;
      return (
        absorbable(last) &&
        flatWrap(e.fn, APPLY) !== null &&
        e.args.slice(0, -1).every((a) => flatWrap(a, SELECT) !== null)
      );
    }
    case "with":
      return flat(e.scope) !== null && absorbable(e.body);
    case "fn":
      return e.head.kind === "name" && absorbable(e.body);
    case "op":
      return (
        e.op === "//" &&
        flatWrap(e.left, operandPrec(e, "left")) !== null &&
        absorbable(e.right) &&
        prec(e.right) >= operandPrec(e, "right")
      );
    default:
      return false;
  }
}

/** Renders `e` whose first line starts at column `col` on a line indented by `indent`; `tail` is what follows it on the line. */
function renderAt(e: NixExpr, indent: number, col: number, tail: number): string {
  const f = flat(e);
  if (f !== null && fits(col, f, tail)) return f;
  switch (e.kind) {
    case "str":
      return indentedString(e, indent) ?? doubleQuoted(e, (x) => renderAt(x, indent, col, 0))!;
    case "attrs": {
      if (e.bindings.length === 0) return f!;
      return `${e.rec ? "rec " : ""}{\n${renderBindings(e.bindings, indent + 2)}\n${pad(indent)}}`;
    }
    case "list": {
      if (e.items.length === 0) return f!;
      const items = e.items.map((i) => pad(indent + 2) + wrapAt(i, SELECT, indent + 2, indent + 2, 0));
      return `[\n${items.join("\n")}\n${pad(indent)}]`;
    }
    case "sel": {
      const base = selBaseNeedsParens(e.base)
        ? `(${renderAt(e.base, indent, col + 1, 1)})`
        : renderAt(e.base, indent, col, 0);
      const names = e.path.map(quoteAttrName).join(".");
      return `${base}.${names}${e.or === undefined ? "" : ` or ${wrapAt(e.or, SELECT, indent, col, tail)}`}`;
    }
    case "call":
      return renderCall(e, indent, col, tail);
    case "fn": {
      if (e.head.kind === "name")
        return `${e.head.name}: ${renderAt(e.body, indent, col + e.head.name.length + 2, tail)}`;
      return `${renderHead(e.head, indent, col)}\n${pad(indent)}${renderAt(e.body, indent, indent, tail)}`;
    }
    case "let":
      return `let\n${renderBindings(e.bindings, indent + 2)}\n${pad(indent)}in\n${pad(indent)}${renderAt(e.body, indent, indent, tail)}`;
    case "if": {
      const cond = renderAt(e.cond, indent, col + 3, 5);
      const then = pad(indent + 2) + renderAt(e.then, indent + 2, indent + 2, 0);
      const other =
        e.else.kind === "if"
          ? ` ${renderAt(e.else, indent, indent + 5, tail)}`
          : `\n${pad(indent + 2)}${renderAt(e.else, indent + 2, indent + 2, tail)}`;
      return `if ${cond} then\n${then}\n${pad(indent)}else${other}`;
    }
    case "with": {
      const scope = renderAt(e.scope, indent, col + 5, 2);
      return `with ${scope}; ${renderAt(e.body, indent, col + scope.length + 7, tail)}`;
    }
    case "op": {
      const lp = operandPrec(e, "left"),
        rp = operandPrec(e, "right");
      if (absorbable(e)) {
        const l = flatWrap(e.left, lp)!;
        return `${l} ${e.op} ${renderAt(e.right, indent, col + l.length + e.op.length + 2, tail)}`;
      }
      const l = wrapAt(e.left, lp, indent, col, 0);
      return `${l}\n${pad(indent)}${e.op} ${wrapAt(e.right, rp, indent, indent + e.op.length + 1, tail)}`;
    }
    case "raw":
      return e.text;
    case "template":
      return renderTemplate(e, indent, col);
    default:
      return f!;
  }
}

function wrapAt(e: NixExpr, min: number, indent: number, col: number, tail: number): string {
  return prec(e) < min ? `(${renderAt(e, indent, col + 1, tail + 1)})` : renderAt(e, indent, col, tail);
}

function renderCall(e: Extract<NixExpr, { kind: "call" }>, indent: number, col: number, tail: number): string {
  if (absorbable(e)) {
    const head = `${[flatWrap(e.fn, APPLY)!, ...e.args.slice(0, -1).map((a) => flatWrap(a, SELECT)!)].join(" ")} `;
    // An argument that binds looser than application (a lambda, say) keeps its parentheses when it spans lines.
    return head + wrapAt(e.args[e.args.length - 1]!, SELECT, indent, col + head.length, tail);
  }
  const fnText = wrapAt(e.fn, APPLY, indent, col, 0);
  const args = e.args.map((a) => pad(indent + 2) + wrapAt(a, SELECT, indent + 2, indent + 2, 0));
  return `${fnText}\n${args.join("\n")}`;
}

function renderHead(h: Extract<FnHead, { kind: "set" }>, indent: number, col: number): string {
  const at = h.bind === undefined ? "" : `${h.bind}@`;
  const items = h.params.map((p) => {
    if (p.default === undefined) return p.name;
    const d = flat(p.default);
    return d === null ? null : `${p.name} ? ${d}`;
  });
  if (h.ellipsis) items.push("...");
  if (items.length === 0) return `${at}{ }:`;
  if (items.every((i) => i !== null)) {
    const one = `${at}{ ${items.join(", ")} }:`;
    if (fits(col, one, 0)) return one;
  }
  const lines = h.params.map((p) => {
    const d = p.default === undefined ? "" : ` ? ${renderAt(p.default, indent + 2, indent + p.name.length + 5, 1)}`;
    return `${pad(indent + 2)}${p.name}${d},`;
  });
  if (h.ellipsis) lines.push(`${pad(indent + 2)}...`);
  return `${at}{\n${lines.join("\n")}\n${pad(indent)}}:`;
}

function renderBindings(bs: readonly NixBinding[], indent: number): string {
  return bs.map((b) => pad(indent) + renderBinding(b, indent)).join("\n");
}

function renderBinding(b: NixBinding, indent: number): string {
  if (b.kind === "inherit") {
    const names = b.names.map(quoteAttrName).join(" ");
    if (b.from === undefined) return `inherit ${names};`;
    return `inherit (${renderAt(b.from, indent, indent + 9, names.length + 3)}) ${names};`;
  }
  const key = b.path.map(quoteAttrName).join(".");
  const start = indent + key.length + 3;
  const v = b.value;
  const f = flat(v);
  if (f !== null && fits(start, f, 1)) return `${key} = ${f};`;
  if (absorbable(v)) return `${key} = ${renderAt(v, indent, start, 1)};`;
  return `${key} =\n${pad(indent + 2)}${renderAt(v, indent + 2, indent + 2, 1)};`;
}

/** Template text is code; each value is rendered in place, indented like the line it sits on. */
function renderTemplate(e: Extract<NixExpr, { kind: "template" }>, indent: number, col: number): string {
  let out = "";
  e.strings.forEach((s, i) => {
    out += s.replace(/\n(?=[^\n])/g, `\n${pad(indent)}`);
    const v = e.values[i];
    if (v === undefined) return;
    const lineStart = out.lastIndexOf("\n") + 1;
    const line = out.slice(lineStart);
    const lineIndent = lineStart === 0 ? indent : /^ */.exec(line)![0].length;
    const at = lineStart === 0 ? col + line.length : line.length;
    out += wrapAt(v, SELECT, lineIndent, at, 0);
  });
  return out;
}

export interface RenderNixOptions {
  /** Add the final newline a file needs. Default true. */
  trailingNewline?: boolean;
}

/** Renders a value as Nix source, deterministically, in nixfmt layout; ends with a newline (a file) unless told not to. */
export function renderNix(value: NixValue, options: RenderNixOptions = {}): string {
  const text = renderAt(toNix(value), 0, 0, 0);
  return options.trailingNewline === false ? text : `${text}\n`;
}
