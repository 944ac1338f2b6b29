/**
 * Reading marker files. A marker paved cannot read is an error naming the file (and line:col where the
 * parser says), never a silent skip: a skipped package.json would quietly give the wrong Node.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PavedError } from "@paved/core";
import { parse as parseJsoncText, printParseErrorCode, type ParseError, type ParseErrorCode } from "jsonc-parser";

export function markerError(
  file: string,
  line: number | undefined,
  col: number | undefined,
  what: string,
  hint: string,
): PavedError {
  const where = line === undefined ? file : `${file}:${line}${col === undefined ? "" : `:${col}`}`;
  return new PavedError("E_MARKER_PARSE", `${where}: ${what}`, {
    hint: `${hint} paved reads this file to choose the toolchain; nothing was written.`,
    details: { file, ...(line === undefined ? {} : { line }), ...(col === undefined ? {} : { col }) },
  });
}

export function readText(root: string, rel: string): string {
  try {
    return readFileSync(join(root, rel), "utf8");
  } catch (error) {
    throw new PavedError("E_FILE_READ", `cannot read ${rel}: ${(error as Error).message}`, {
      hint: "Check the file's permissions.",
      details: { file: rel },
    });
  }
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/** The 1-based line where `needle` first occurs, for "package.json:4" in explanations. */
export function lineOf(text: string, needle: string | RegExp): number | undefined {
  const index = typeof needle === "string" ? text.indexOf(needle) : text.search(needle);
  return index < 0 ? undefined : positionOf(text, index).line;
}

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(stripBom(text));
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    const lc = /line (\d+) column (\d+)/.exec(message);
    const at = lc ? { line: Number(lc[1]), col: Number(lc[2]) } : pos ? positionOf(text, Number(pos[1])) : undefined;
    const what = message
      .replace(/^JSON\.parse: /, "")
      .replace(/ in JSON at position \d+.*$/, "")
      .replace(/, "[^"]*"\.\.\. is not valid JSON$/, "");
    throw markerError(file, at?.line, at?.col, `not valid JSON (${what})`, "Fix the JSON syntax there.");
  }
}

/** JSON with comments and trailing commas (deno.jsonc, global.json, tsconfig-style files), read by jsonc-parser. */
export function parseJsonc(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const value = parseJsoncText(stripBom(text), errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const at = positionOf(stripBom(text), first.offset);
    throw markerError(
      file,
      at.line,
      at.col,
      `not valid JSON (${jsoncErrorText(first.error)})`,
      "Fix the JSON syntax there.",
    );
  }
  return value;
}

/** jsonc-parser's codes as words: "InvalidSymbol" → "invalid symbol". */
function jsoncErrorText(code: ParseErrorCode): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** First meaningful line of a one-value file such as .nvmrc or .python-version (comments dropped). */
export function firstValue(text: string): { value: string; line: number } | undefined {
  const lines = stripBom(text).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const value = lines[i]!.replace(/#.*$/, "").trim();
    if (value !== "") return { value, line: i + 1 };
  }
  return undefined;
}
