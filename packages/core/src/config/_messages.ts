/**
 * How validation problems read: "expected <what the schema accepts>, got <what was found>", with found values
 * described, never echoed when they look like secrets. Schema issues carry these words through zod in their
 * message (`encode`); `_validate.ts` decodes them.
 */
import type * as z from "zod";
import { looksLikeSecret, maskSecret } from "./_secret.ts";
import { escapeInvisible, type UnsafeCharacter } from "../secrets/index.ts";

export type PathSegment = string | number;

/** One validation problem, before it gets a file position. */
export interface Issue {
  path: PathSegment[];
  expected: string;
  found: string;
  suggestion?: string;
  /** Set for problems that must not be ignored as plain typos (a literal secret). */
  code?: "E_SECRET_LITERAL";
  /** Point at the key of the map entry (unknown or badly named key) instead of its value. */
  at?: "key";
}

/** Reports a problem at a path relative to the value being checked (for cross-field checks). */
export type Report = (
  relativePath: PathSegment[],
  expected: string,
  found: string,
  extra?: Pick<Issue, "suggestion" | "code" | "at">,
) => void;

/** How a found value reads in a message. Secret-looking strings are masked so no message ever echoes them. */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "an empty value";
  if (typeof value === "string") {
    if (looksLikeSecret(value)) return `what looks like a literal secret (${maskSecret(value)})`;
    // JSON.stringify escapes C0 controls but not bidi, zero-width or C1 characters: a message must show them, not obey them.
    return escapeInvisible(JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value));
  }
  if (typeof value === "number") return `number ${value}`;
  if (typeof value === "boolean") return `boolean ${value}`;
  if (Array.isArray(value)) return "a list";
  if (ArrayBuffer.isView(value)) return "binary data";
  return typeof value === "object" ? "a map" : typeof value;
}

/** "U+202E (a bidirectional control character) at character 5": the value itself would hide it again. */
export function describeUnsafe(value: string, bad: UnsafeCharacter): string {
  return `${bad.codePoint} (${bad.name}) at character ${bad.index + 1} of ${describeFound(value.replace(/[^\x20-\x7e\u00a0-\u2000]/gu, "?"))}`;
}

/** Issue messages are paved's words, JSON-encoded behind a marker so `_validate.ts` can tell them from zod's own. */
export const MESSAGE_MARK = "paved:";
export type Message = Omit<Issue, "path"> & { unknownKeys?: readonly string[] };
export const encode = (message: Message): string => MESSAGE_MARK + JSON.stringify(message);

/**
 * A failed check. No `continue` flag: zod then counts it as aborting, so enclosing refinements skip the value,
 * while checks that must still run (a record's key names) are not cut off as by an explicit `continue: false`.
 */
export function fail(path: PathSegment[], input: unknown, message: Message): z.core.$ZodRawIssue {
  return { code: "custom", path, input, message: encode(message) };
}
