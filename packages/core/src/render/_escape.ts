/**
 * Lexical rules of the Nix language that the renderer must respect: which names need quoting,
 * how string contents are escaped, which path literals are valid, how numbers are written.
 * Rules follow the Nix lexer (src/libexpr/lexer.l) as of Nix 2.8 and still current in 2.2x.
 */
import { PavedError } from "../errors.ts";

/** Words the lexer reserves; as attribute names they must be quoted. `__curPos` is a lexer token too. */
export const NIX_KEYWORDS: ReadonlySet<string> = new Set([
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
]);

const IDENT = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;

export function isNixIdentifier(name: string): boolean {
  return IDENT.test(name) && !NIX_KEYWORDS.has(name);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string that reaches Nix passes here: NUL and broken UTF-16 cannot be represented. */
export function checkText(text: string, what: string): void {
  if (text.includes("\0")) {
    throw new PavedError("E_INPUT", `${what} contains a NUL character, which a Nix string cannot hold`, {
      hint: "remove the NUL byte; pass binary data as a file path instead",
      details: { value: text.slice(0, 80) },
    });
  }
  if (LONE_SURROGATE.test(text)) {
    throw new PavedError("E_INPUT", `${what} is not valid Unicode (it has an unpaired surrogate)`, {
      hint: "fix the text so it can be encoded as UTF-8",
      details: { value: text.slice(0, 80) },
    });
  }
}

/** Body of a `"…"` string literal (without the quotes). */
export function escapeDoubleQuoted(text: string, beforeAntiquote = false): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") out += "\\\\";
    else if (c === '"') out += '\\"';
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    // `${` opens an antiquotation; so does a `$` right before one we emit (`$${x}` would be literal).
    else if (c === "$" && (text[i + 1] === "{" || (i === text.length - 1 && beforeAntiquote))) out += "\\$";
    else out += c;
  }
  return out;
}

export function quoteAttrName(name: string): string {
  checkText(name, `attribute name ${JSON.stringify(name.slice(0, 40))}`);
  return isNixIdentifier(name) ? name : `"${escapeDoubleQuoted(name)}"`;
}

/**
 * An attribute path as the fragment of a flake installable (`nixosConfigurations."web.1".config`). Nix
 * percent-decodes the fragment, then splits it on dots outside double quotes with no escapes (parseAttrPath):
 * so each name is percent-encoded (spaces, unicode, `%`, `#` survive the URL parser) and quoted when it is not
 * an identifier; a `"` cannot be written at all and is refused.
 */
export function flakeAttrPath(segments: readonly string[]): string {
  if (segments.length === 0) {
    throw new PavedError("E_INPUT", "an attribute path needs at least one name", {
      hint: "pass a non-empty array of names",
    });
  }
  return segments
    .map((name) => {
      checkText(name, "attribute name");
      if (name === "" || name.includes('"')) {
        throw new PavedError("E_INPUT", `${JSON.stringify(name)} cannot be part of an installable's attribute path`, {
          hint: "Nix's attribute-path syntax has no escapes: a name there cannot be empty or contain a double quote",
        });
      }
      return isNixIdentifier(name) ? name : `"${encodeURIComponent(name)}"`;
    })
    .join(".");
}

export type StringPart = string | { antiquote: string };

/**
 * Renders parts as an indented string `''…''` whose value is exactly the input, or returns null when
 * that form cannot carry it exactly (the caller then uses `"…"`). Nix strips the smallest indentation
 * of the non-blank lines, drops a first line that is blank and a last line made only of spaces, and
 * treats `''`, `${` and a `'` before `''` specially; each of those is handled or refused here.
 * `indent` is the column of the content lines, `closeIndent` the column of the closing `''`.
 */
export function encodeIndented(parts: readonly StringPart[], indent: number, closeIndent: number): string | null {
  parts = mergeText(parts);
  const text = parts.map((p) => (typeof p === "string" ? p : "")).join("");
  if (text.includes("\r")) return null; // Nix's CR handling differs between string forms; keep "…".
  // Lines as lists of items, so conditions can be checked before encoding.
  type Item = { text: string } | { antiquote: string };
  const lines: Item[][] = [[]];
  for (const p of parts) {
    if (typeof p !== "string") {
      lines[lines.length - 1]!.push(p);
      continue;
    }
    const pieces = p.split("\n");
    pieces.forEach((piece, k) => {
      if (k > 0) lines.push([]);
      if (piece !== "") lines[lines.length - 1]!.push({ text: piece });
    });
  }
  if (lines.length < 2) return null;
  // Some content line must start at column 0, or Nix would strip more than our indentation.
  const startsFlush = (line: Item[]) => {
    const first = line[0];
    if (first === undefined) return false;
    return "antiquote" in first || !first.text.startsWith(" ");
  };
  if (!lines.some(startsFlush)) return null;
  // A last line of only spaces is dropped by Nix.
  const last = lines[lines.length - 1]!;
  const endsWithNewline = last.length === 0;
  if (last.length === 1 && "text" in last[0]! && /^ +$/.test(last[0].text)) return null;

  // Tokens of the output; a lone `'` is patched below when the next token would glue onto it.
  const rendered: string[] = [];
  lines.forEach((line, li) => {
    const toks: string[] = [];
    line.forEach((item, ii) => {
      if ("antiquote" in item) {
        toks.push(`\${${item.antiquote}}`);
        return;
      }
      const s = item.text;
      const nextIsAntiquote = ii + 1 < line.length; // adjacent text was merged, so the next item is `${…}`
      for (let i = 0; i < s.length; ) {
        const c = s[i]!;
        if (c === "'") {
          let n = 0;
          while (s[i + n] === "'") n++;
          for (let k = 0; k + 1 < n; k += 2) toks.push("'''");
          if (n % 2 === 1) toks.push("'");
          i += n;
        } else if (c === "$" && (s[i + 1] === "{" || (i === s.length - 1 && nextIsAntiquote))) {
          toks.push("''$");
          i++;
        } else {
          let j = i;
          while (j < s.length && s[j] !== "'" && s[j] !== "$") j++;
          toks.push(j === i ? c : s.slice(i, j));
          i = j === i ? i + 1 : j;
        }
      }
    });
    const isLastLine = li === lines.length - 1;
    for (let k = 0; k < toks.length; k++) {
      if (toks[k] !== "'") continue;
      const next = toks[k + 1];
      const gluesToNext = next === undefined ? isLastLine : next.startsWith("'");
      if (gluesToNext) toks[k] = "''\\'";
    }
    const body = toks.join("");
    rendered.push(body === "" ? "" : " ".repeat(indent) + body);
  });
  if (endsWithNewline) rendered[rendered.length - 1] = `${" ".repeat(closeIndent)}''`;
  else rendered[rendered.length - 1] += "''";
  return `''\n${rendered.join("\n")}`;
}

/** Joins neighbouring text parts so escapes see `$` + `{` and runs of `'` across part boundaries. */
function mergeText(parts: readonly StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === "string" && typeof prev === "string") out[out.length - 1] = prev + p;
    else if (p !== "") out.push(p);
  }
  return out;
}

/* ---------------- paths and numbers ---------------- */

const PATH_CHAR = "[a-zA-Z0-9._\\-+]";
const PATH_RE = new RegExp(`^(?:\\.{1,2}|~)?(?:/${PATH_CHAR}+)+$`);
const SEARCH_PATH_RE = new RegExp(`^<${PATH_CHAR}+(?:/${PATH_CHAR}+)*>$`);

/** Accepts `./a/b.nix`, `../x`, `/abs/p`, `~/p` and `<nixpkgs/lib>`; nothing that Nix would lex differently. */
export function checkPathLiteral(p: string): void {
  if (PATH_RE.test(p) || SEARCH_PATH_RE.test(p)) return;
  throw new PavedError("E_INPUT", `${JSON.stringify(p)} is not a valid Nix path literal`, {
    hint:
      "path literals start with ./, ../, / or ~/ and use only letters, digits and . _ - + between slashes " +
      "(no trailing slash); use str(...) for anything else",
    details: { path: p },
  });
}

const INT64_MAX = 2n ** 63n - 1n;

export function formatInt(n: number | bigint): string {
  const big = typeof n === "bigint" ? n : Number.isSafeInteger(n) ? BigInt(n) : undefined;
  if (big === undefined || big > INT64_MAX || big < -INT64_MAX) {
    throw new PavedError("E_INPUT", `${String(n)} is not an integer Nix can read exactly`, {
      hint: "Nix integers are 64-bit; JS numbers are exact only up to 2^53 (pass a bigint for more)",
    });
  }
  return big.toString();
}

/** Nix float literals need a digit before and after the dot: `1.0e21`, `5.0e-7`, `0.5`. */
export function formatFloat(n: number): string {
  if (!Number.isFinite(n)) {
    throw new PavedError("E_INPUT", `${String(n)} cannot be written as a Nix float`, {
      hint: "Nix has no literal for NaN or infinity",
    });
  }
  const s = String(Math.abs(n));
  const [mant, exp] = s.split("e") as [string, string | undefined];
  const m = mant.includes(".") ? mant : `${mant}.0`;
  return (n < 0 ? "-" : "") + (exp === undefined ? m : `${m}e${exp}`);
}
