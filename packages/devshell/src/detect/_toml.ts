/**
 * TOML marker files (pyproject.toml, Cargo.toml, rust-toolchain.toml, mise.toml), read by smol-toml (TOML 1.0,
 * all of it). paved adds two things: errors as E_MARKER_PARSE with file:line:col, and the line of each key,
 * so an explanation can say "pyproject.toml:7".
 */
import { parse, TomlDate, TomlError } from "smol-toml";
import { markerError } from "./_read.ts";

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export interface TomlDocument {
  data: TomlTable;
  /** 1-based line of each key, by dotted path ("project.requires-python"); a key in an inline table gets its table's line. */
  lines: KeyLines;
}

export function parseToml(text: string, file: string): TomlDocument {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const what = error.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    throw markerError(file, error.line, error.column, `not valid TOML: ${what}`, "Fix the TOML syntax there.");
  }
  // Key lines are found on first use: most marker files pin nothing, and the line scan costs more than the parse.
  let lines: KeyLines | undefined;
  return {
    data: plain(data) as TomlTable,
    get lines() {
      return (lines ??= keyLines(text));
    },
  };
}

/** Dates stay text (as paved never computes with them); tables become ordinary objects. */
function plain(value: unknown): TomlValue {
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value as TomlValue;
}

/** Line numbers by dotted key; asking for a key inside an inline table or array answers with its parent's line. */
class KeyLines extends Map<string, number> {
  override get(path: string): number | undefined {
    for (let p = path; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
      const line = super.get(p);
      if (line !== undefined) return line;
    }
    return undefined;
  }
}

const KEY = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const DOTTED = new RegExp(String.raw`^\s*(${KEY}(?:\s*\.\s*${KEY})*)\s*`);
const HEADER = new RegExp(String.raw`^\s*\[\[?\s*(${KEY}(?:\s*\.\s*${KEY})*)\s*\]\]?`);
const KEY_PART = new RegExp(KEY, "g");

function splitKey(dotted: string): string[] {
  return [...dotted.matchAll(KEY_PART)].map(([k]) =>
    k.startsWith('"') ? (JSON.parse(k) as string) : k.startsWith("'") ? k.slice(1, -1) : k,
  );
}

/**
 * Where each key is, from the text smol-toml has already accepted: table headers set the prefix, `key =` lines
 * add a key; the bodies of multi-line strings are skipped so their text is never taken for keys.
 */
function keyLines(text: string): KeyLines {
  const lines = new KeyLines();
  let prefix: string[] = [];
  let open: '"""' | "'''" | undefined;
  let depth = 0; // inside a multi-line array, whose lines are values, never keys or headers
  text.split(/\r?\n/).forEach((line, index) => {
    if (open) {
      if (line.split(open).length % 2 === 0) open = undefined;
      return;
    }
    if (depth > 0) {
      depth += brackets(line);
      return;
    }
    const header = HEADER.exec(line);
    if (header) {
      prefix = splitKey(header[1]!);
      if (!lines.has(prefix.join("."))) lines.set(prefix.join("."), index + 1);
      return;
    }
    const key = DOTTED.exec(line);
    if (!key || line[key[0].length] !== "=") return;
    const path = [...prefix, ...splitKey(key[1]!)].join(".");
    if (!lines.has(path)) lines.set(path, index + 1);
    for (const quote of ['"""', "'''"] as const) if (line.split(quote).length % 2 === 0) open = quote;
    if (!open) depth = Math.max(0, brackets(line.slice(key[0].length + 1)));
  });
  return lines;
}

/** Opened minus closed `[` on a line, strings and comments left out. */
function brackets(line: string): number {
  const bare = line.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, "").replace(/#.*$/, "");
  return (bare.match(/\[/g)?.length ?? 0) - (bare.match(/\]/g)?.length ?? 0);
}

/** `get(doc.data, "project", "requires-python")` without type noise. */
export function tomlGet(table: TomlTable, ...path: string[]): TomlValue | undefined {
  let v: TomlValue | undefined = table;
  for (const k of path) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    v = (v as TomlTable)[k];
  }
  return v;
}
