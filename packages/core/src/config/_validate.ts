/**
 * Running a schema: zod validates, and its issues become paved's (path, expected, found). Every issue a paved
 * schema raises carries its words in the message (`encode` in `_schema.ts`); unions and unknown keys are
 * reshaped here so messages read the way they always have. Then the screen every value goes through.
 */
import type * as z from "zod";
import { findSecret, unsafeCharacter } from "../secrets/index.ts";
import { didYouMean } from "./_suggest.ts";
import {
  describeFound,
  describeUnsafe,
  MESSAGE_MARK,
  type Issue,
  type Message,
  type PathSegment,
} from "./_messages.ts";
import type { Schema } from "./_schema.ts";

type ZodIssue = z.core.$ZodIssue;

function decode(issue: ZodIssue): Message {
  if (issue.message.startsWith(MESSAGE_MARK)) return JSON.parse(issue.message.slice(MESSAGE_MARK.length)) as Message;
  // Not raised by a paved schema (should not happen): still a readable message, never the value itself.
  return { expected: issue.message, found: describeFound(issue.input) };
}

function toIssues(zodIssues: readonly ZodIssue[], prefix: PathSegment[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of zodIssues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // If exactly one alternative got past the top-level type check, its deeper problems are the useful ones.
      const deep = issue.errors.filter(
        (errors) => errors.length > 0 && errors.every((e) => e.path.length > 0 || e.code === "unrecognized_keys"),
      );
      if (deep.length === 1) {
        out.push(...toIssues(deep[0]!, path));
        continue;
      }
    }
    const { unknownKeys, ...message } = decode(issue);
    if (issue.code === "unrecognized_keys" && unknownKeys) {
      // Unknown keys first, as a reader scans the map: before the problems inside it.
      const first = out.findIndex(
        (i) => i.path.length > path.length && path.every((segment, n) => i.path[n] === segment),
      );
      const keys = issue.keys.map((key) => {
        const suggestion = didYouMean(key, unknownKeys);
        return {
          ...message,
          path: [...path, key],
          at: "key" as const,
          found: `unknown key ${describeFound(key)}`,
          ...(suggestion ? { suggestion } : {}),
        };
      });
      out.splice(first === -1 ? out.length : first, 0, ...keys);
      continue;
    }
    out.push({ path, ...message });
  }
  return out;
}

/**
 * The pass every paved.yaml key and value goes through, whatever its schema (x- keys included): a credential is an
 * E_SECRET_LITERAL issue at its own path, and so is nothing else; control, invisible and bidi characters are
 * refused everywhere (line breaks only in values; the schema says where they are allowed). Free text (commands,
 * descriptions) is scanned for known formats; one-word values must not look random either.
 */
function screenValues(value: unknown, path: PathSegment[], issues: Issue[], name?: string): void {
  if (typeof value === "string") {
    // Every value, x- keys included: fields with their own schema get a more precise message from it.
    const bad = unsafeCharacter(value, { multiline: true });
    if (bad)
      issues.push({
        path,
        expected: "text without control, invisible or bidirectional characters",
        found: describeUnsafe(value, bad),
      });
    // Multi-word text (a command, a description, a public key) is checked for known formats only: its words may be hashes.
    const finding = findSecret(value, { entropy: !/\s/.test(value.trim()), ...(name === undefined ? {} : { name }) });
    if (finding) {
      issues.push({
        path,
        expected:
          "a value that is not a secret (secrets must not go into paved.yaml or Nix code; reference a file or a CI secret instead)",
        found: `what looks like a literal secret (${finding.masked}: ${finding.label.replace(/^an? /, "")})`,
        code: "E_SECRET_LITERAL",
      });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => screenValues(item, [...path, index], issues, name));
  } else if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    for (const [key, item] of Object.entries(value)) {
      // A secret first: a pasted private key has line breaks too, and must be reported as what it is.
      // Keys are names: none may look random either.
      const keyFinding = findSecret(key, { entropy: true });
      const bad = unsafeCharacter(key);
      if (keyFinding) {
        issues.push({
          path: [...path, key],
          expected: "a key that is not a secret",
          found: `what looks like a literal secret (${keyFinding.masked}: ${keyFinding.label.replace(/^an? /, "")})`,
          code: "E_SECRET_LITERAL",
          at: "key",
        });
      } else if (bad)
        issues.push({
          path: [...path, key],
          expected: "a key without control, invisible or bidirectional characters or line breaks",
          found: describeUnsafe(key, bad),
          at: "key",
        });
      else screenValues(item, [...path, key], issues, key);
    }
  }
}

/** Validate a plain value: the parsed value, or every issue found. */
export function validate<T>(
  schema: Schema<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: Issue[] } {
  const result = schema.toZod().safeParse(value, { reportInput: true });
  const found = result.success ? [] : toIssues(result.error.issues, []);
  const scan: Issue[] = [];
  screenValues(value, [], scan);
  // Each value is reported once: a field's own secret message wins over the scan's, the scan's secret message
  // over a plain schema message (which would only repeat the value masked), and a schema's character message
  // (which says what the field expects) over the scan's generic one.
  const at = (issue: Issue) => JSON.stringify(issue.path);
  const secret = (issue: Issue) => issue.code === "E_SECRET_LITERAL";
  const issues = found.filter((issue) => secret(issue) || !scan.some((s) => secret(s) && at(s) === at(issue)));
  for (const issue of scan) {
    if (!issues.some((i) => at(i) === at(issue) && (secret(i) || !secret(issue)))) issues.push(issue);
  }
  if (!result.success || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: result.data as T };
}
