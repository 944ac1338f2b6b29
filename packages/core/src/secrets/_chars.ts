/**
 * Characters no name, label or description may hold: they are invisible in editors, reviews and terminals,
 * so they can make a value read differently from what it is (Trojan Source, CVE-2021-42574), end a line in
 * a generated file, or cut a string short in C code (NUL).
 */
// Bidi embeddings/overrides/isolates and marks, zero-width characters, line/paragraph separators, BOM.
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2028\u2029\u2060-\u2064\u2066-\u2069\uFEFF]/;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const NEWLINE = /[\r\n]/;

export interface UnsafeCharacter {
  /** "U+202E" */
  codePoint: string;
  /** What it is, for a person. */
  name: string;
  index: number;
}

/**
 * The first character of `text` that must not be there, or undefined. `multiline` allows line breaks and tabs
 * (shell hooks, commands); everything else is one line.
 */
export function unsafeCharacter(text: string, options: { multiline?: boolean } = {}): UnsafeCharacter | undefined {
  for (let index = 0; index < text.length; index++) {
    const ch = text[index]!;
    const code = ch.codePointAt(0)!;
    const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    if (INVISIBLE.test(ch)) {
      const name =
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069) ||
        code === 0x200e ||
        code === 0x200f ||
        code === 0x061c
          ? "a bidirectional control character"
          : "an invisible character";
      return { codePoint, name, index };
    }
    if (code === 0) return { codePoint, name: "a NUL byte", index };
    // A lone half of a surrogate pair is not Unicode at all: no file, JSON or Nix string can hold it.
    if (code >= 0xd800 && code <= 0xdfff) {
      const paired =
        code <= 0xdbff ? /[\uDC00-\uDFFF]/.test(text[index + 1] ?? "") : /[\uD800-\uDBFF]/.test(text[index - 1] ?? "");
      if (!paired) return { codePoint, name: "an unpaired surrogate (not valid Unicode)", index };
    }
    if (CONTROL.test(ch)) return { codePoint, name: "a control character", index };
    if (!options.multiline && (NEWLINE.test(ch) || ch === "\t"))
      return { codePoint, name: ch === "\t" ? "a tab" : "a line break", index };
  }
  return undefined;
}

/** `text` with every character unsafeCharacter refuses (line breaks aside) written as \uXXXX, for messages. */
export function escapeInvisible(text: string): string {
  return text.replace(
    /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2028\u2029\u2060-\u2064\u2066-\u2069\uFEFF]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}
