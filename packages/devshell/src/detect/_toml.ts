/**
 * A small TOML reader for the marker files paved looks at (pyproject.toml, Cargo.toml, rust-toolchain.toml,
 * mise.toml). It reads tables, arrays of tables, dotted and quoted keys, strings (all four kinds), numbers,
 * booleans, dates (kept as text), arrays and inline tables, and reports syntax errors with line:col.
 * It does not check every TOML rule (duplicate keys, redefined tables): it reads, it does not lint.
 */
import { markerError, positionOf } from "./_read.ts";

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export interface TomlDocument {
  data: TomlTable;
  /** 1-based line of each key, by dotted path ("project.requires-python"). */
  lines: Map<string, number>;
}

export function parseToml(text: string, file: string): TomlDocument {
  return new Reader(text, file).document();
}

class Reader {
  private i = 0;
  private readonly lines = new Map<string, number>();
  // The parser only moves forward: count newlines from where the last key was, not from the start (a big
  // Cargo.toml has hundreds of keys).
  private seenOffset = 0;
  private seenLine = 1;

  constructor(private readonly text: string, private readonly file: string) {}

  document(): TomlDocument {
    const data: TomlTable = {};
    let current = data;
    let prefix: string[] = [];
    for (;;) {
      this.skipBlank();
      if (this.i >= this.text.length) break;
      if (this.text[this.i] === "[") {
        const array = this.text[this.i + 1] === "[";
        this.i += array ? 2 : 1;
        this.skipSpaces();
        const keys = this.key();
        this.skipSpaces();
        if (!this.text.startsWith(array ? "]]" : "]", this.i)) this.fail(`expected ${array ? "]]" : "]"} to close the table header`);
        this.i += array ? 2 : 1;
        prefix = keys;
        current = array ? this.appendTable(data, keys) : this.table(data, keys);
        this.endOfLine();
        continue;
      }
      const line = this.lineHere();
      const keys = this.key();
      this.skipSpaces();
      if (this.text[this.i] !== "=") this.fail("expected = after the key");
      this.i++;
      this.skipSpaces();
      const value = this.value();
      const parent = this.table(current, keys.slice(0, -1));
      parent[keys.at(-1)!] = value;
      this.lines.set([...prefix, ...keys].join("."), line);
      this.endOfLine();
    }
    return { data, lines: this.lines };
  }

  private lineHere(): number {
    for (; this.seenOffset < this.i; this.seenOffset++) if (this.text.charCodeAt(this.seenOffset) === 10) this.seenLine++;
    return this.seenLine;
  }

  private fail(what: string): never {
    const { line, col } = positionOf(this.text, this.i);
    throw markerError(this.file, line, col, `not valid TOML: ${what}`, "Fix the TOML syntax there.");
  }

  private table(root: TomlTable, keys: string[]): TomlTable {
    let t = root;
    for (const k of keys) {
      let next = t[k];
      if (Array.isArray(next)) next = next.at(-1);
      if (next === undefined) t[k] = next = {};
      if (typeof next !== "object" || Array.isArray(next)) this.fail(`${keys.join(".")} is not a table`);
      t = next as TomlTable;
    }
    return t;
  }

  private appendTable(root: TomlTable, keys: string[]): TomlTable {
    const parent = this.table(root, keys.slice(0, -1));
    const last = keys.at(-1)!;
    const list = (parent[last] ??= []);
    if (!Array.isArray(list)) this.fail(`${keys.join(".")} is not an array of tables`);
    const t: TomlTable = {};
    (list as TomlValue[]).push(t);
    return t;
  }

  private skipSpaces(): void {
    while (this.text[this.i] === " " || this.text[this.i] === "\t") this.i++;
  }

  /** Whitespace, newlines and comments. */
  private skipBlank(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.i++;
      else if (c === "#") while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
      else return;
    }
  }

  private endOfLine(): void {
    this.skipSpaces();
    if (this.text[this.i] === "#") while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
    if (this.text[this.i] === "\r") this.i++;
    if (this.i < this.text.length && this.text[this.i] !== "\n") this.fail("unexpected text after the value");
  }

  private key(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.i];
      if (c === '"' || c === "'") keys.push(this.string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.i, this.i + 256));
        if (!m) this.fail("expected a key");
        keys.push(m[0]);
        this.i += m[0].length;
      }
      this.skipSpaces();
      if (this.text[this.i] !== ".") return keys;
      this.i++;
    }
  }

  private value(): TomlValue {
    const c = this.text[this.i];
    if (c === '"' || c === "'") return this.string();
    if (c === "[") return this.array();
    if (c === "{") return this.inlineTable();
    const m = /^[^\s,\]}#]+/.exec(this.text.slice(this.i, this.i + 128));
    if (!m) this.fail("expected a value");
    let word = m[0];
    this.i += word.length;
    // A local date-time may use a space instead of T: 1979-05-27 07:32:00.
    const time = /^\d{4}-\d{2}-\d{2}$/.test(word) ? /^ \d{2}:\d{2}[^\s,\]}#]*/.exec(this.text.slice(this.i, this.i + 64)) : null;
    if (time) {
      word += time[0];
      this.i += time[0].length;
    }
    if (word === "true" || word === "false") return word === "true";
    const n = Number(word.replace(/_/g, ""));
    if (/^[+-]?(\d[\d_]*)(\.\d+)?([eE][+-]?\d+)?$/.test(word) && Number.isFinite(n)) return n;
    // Dates, times, inf/nan and hex numbers: kept as their text, paved never needs their value.
    if (/^[0-9+-.:TZa-fxobin_ ]+$/.test(word)) return word;
    this.i -= word.length;
    this.fail(`unexpected ${JSON.stringify(word)} (strings need quotes)`);
  }

  private string(): string {
    const quote = this.text[this.i]!;
    const triple = this.text.startsWith(quote.repeat(3), this.i);
    const close = triple ? quote.repeat(3) : quote;
    this.i += close.length;
    if (triple && this.text[this.i] === "\n") this.i++;
    let out = "";
    for (;;) {
      if (this.i >= this.text.length) this.fail("unterminated string");
      if (this.text.startsWith(close, this.i)) {
        this.i += close.length;
        return out;
      }
      const c = this.text[this.i++]!;
      if (c === "\n" && !triple) {
        this.i--;
        this.fail("unterminated string");
      }
      if (c === "\\" && quote === '"') {
        const e = this.text[this.i++]!;
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", b: "\b", f: "\f" };
        if (e in simple) out += simple[e];
        else if (e === "u" || e === "U") {
          const len = e === "u" ? 4 : 8;
          out += String.fromCodePoint(Number.parseInt(this.text.slice(this.i, this.i + len), 16));
          this.i += len;
        } else if (triple && /\s/.test(e)) {
          while (/\s/.test(this.text[this.i] ?? "")) this.i++;
        } else this.fail(`unknown escape \\${e}`);
      } else out += c;
    }
  }

  private array(): TomlValue[] {
    this.i++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.text[this.i] === "]") {
        this.i++;
        return items;
      }
      items.push(this.value());
      this.skipBlank();
      if (this.text[this.i] === ",") this.i++;
      else if (this.text[this.i] !== "]") this.fail("expected , or ] in the array");
    }
  }

  private inlineTable(): TomlTable {
    this.i++;
    const t: TomlTable = {};
    for (;;) {
      this.skipSpaces();
      if (this.text[this.i] === "}") {
        this.i++;
        return t;
      }
      const keys = this.key();
      this.skipSpaces();
      if (this.text[this.i] !== "=") this.fail("expected = in the inline table");
      this.i++;
      this.skipSpaces();
      this.table(t, keys.slice(0, -1))[keys.at(-1)!] = this.value();
      this.skipSpaces();
      if (this.text[this.i] === ",") this.i++;
      else if (this.text[this.i] !== "}") this.fail("expected , or } in the inline table");
    }
  }
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
