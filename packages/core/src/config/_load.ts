/**
 * Reading paved.yaml: YAML syntax errors become E_CONFIG_PARSE, schema problems E_CONFIG_INVALID (or
 * E_SECRET_LITERAL), each with file:line:col of the offending node. Validation runs on `doc.toJS()`; the
 * problem paths are walked back through the YAML document to find their positions.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { PavedError } from "../errors.ts";
import { pavedConfigSchema, type PavedConfig } from "./_paved.ts";
import { describeFound, type Issue, type PathSegment } from "./_messages.ts";
import type { Schema } from "./_schema.ts";
import { findSecret } from "../secrets/index.ts";
import { validate } from "./_validate.ts";

export const CONFIG_FILE = "paved.yaml";

export interface ConfigProblem {
  code: "E_CONFIG_INVALID" | "E_SECRET_LITERAL";
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Dotted path such as `hosts.bastion-1.role` (empty for the top level). */
  path: string;
  segments: PathSegment[];
  expected: string;
  found: string;
  suggestion?: string;
  /** The whole line as printed: `paved.yaml:12:5: hosts.bastion-1.role: expected …, got … (did you mean …?)`. */
  text: string;
}

export interface ParsedConfig<T = PavedConfig> {
  config: T;
  doc: Document;
}

export interface LoadedConfig<T = PavedConfig> extends ParsedConfig<T> {
  /** Absolute path of the paved.yaml that was read. */
  file: string;
  /** The file's text as read (for diffs before an edit). */
  text: string;
}

export function configPath(dir: string): string {
  return join(dir, CONFIG_FILE);
}

/** How a path reads to a person: `hosts.bastion-1.role`, `rollout.waves[0].name`, `env["a.b"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    // A key can be a pasted secret or hold invisible characters: a path shows neither.
    else if (findSecret(segment, { entropy: true })) out += `[${findSecret(segment, { entropy: true })!.masked}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${describeFound(segment)}]`;
  }
  return out;
}

/** Parse YAML text into a document, or throw E_CONFIG_PARSE naming every syntax error's position. */
export function parseYaml(text: string, file: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  // merge: `<<: *defaults` is how people share settings between hosts; YAML 1.2 leaves it off by default.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length === 0) return { doc, lineCounter };
  const errors = doc.errors.map((error) => {
    const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    // The first line only: the rest is a source excerpt that could contain a pasted secret.
    const message =
      error.code === "MULTIPLE_DOCS"
        ? "paved.yaml must hold a single YAML document (remove the `---` separator)"
        : (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, "");
    return {
      file,
      line: pos.line,
      col: pos.col,
      code: error.code,
      message,
      text: `${file}:${pos.line}:${pos.col}: ${message}`,
    };
  });
  const first = errors[0]!;
  throw new PavedError("E_CONFIG_PARSE", errors.map((e) => e.text).join("\n"), {
    hint: `${file} is not valid YAML. Fix the syntax at ${first.line}:${first.col}; keys are "name: value", nesting uses spaces, not tabs.`,
    details: { file, line: first.line, col: first.col, problems: errors },
  });
}

function keyOf(node: unknown): unknown {
  return isScalar(node) ? node.value : node;
}

/** Start offset of the node a problem is about; a missing key points at the map that lacks it. */
function locate(doc: Document, segments: readonly PathSegment[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(keyOf(p.key)) === String(segment));
      if (!pair) break;
      const keyStart = (pair.key as Node | null)?.range?.[0];
      if ((atKey && i === segments.length - 1) || !(pair.value as Node | null)?.range) return keyStart ?? offset;
      next = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
    }
    const range = (next as Node | undefined)?.range;
    if (!range) break;
    node = next;
    offset = range[0];
  }
  return offset;
}

/** YAML reads 24.10 as the number 24.1; show what the user wrote so the message makes sense. */
function foundAsWritten(doc: Document, issue: Issue): string {
  const node = doc.getIn(issue.path, true);
  if (
    isScalar(node) &&
    typeof node.value === "number" &&
    typeof node.source === "string" &&
    node.source !== String(node.value)
  ) {
    return issue.found.replace(`number ${node.value}`, `number ${node.source}`);
  }
  return issue.found;
}

function toProblem(
  issue: Issue,
  file: string,
  position?: { line: number; col: number },
  found = issue.found,
): ConfigProblem {
  const path = formatPath(issue.path);
  const where = position ? `${file}:${position.line}:${position.col}` : file;
  const suggestion = issue.suggestion === undefined ? "" : ` (did you mean ${JSON.stringify(issue.suggestion)}?)`;
  return {
    code: issue.code ?? "E_CONFIG_INVALID",
    file,
    line: position?.line ?? 0,
    col: position?.col ?? 0,
    path,
    // Keys in a path are data from the file: a secret used as a key is masked here too.
    segments: issue.path.map((segment) =>
      typeof segment === "string" && findSecret(segment, { entropy: true })
        ? findSecret(segment, { entropy: true })!.masked
        : segment,
    ),
    expected: issue.expected,
    found,
    ...(issue.suggestion === undefined ? {} : { suggestion: issue.suggestion }),
    text: `${where}: ${path || "(top level)"}: expected ${issue.expected}, got ${found}${suggestion}`,
  };
}

function invalidConfigError(problems: ConfigProblem[], file: string): PavedError {
  const secret = problems.some((p) => p.code === "E_SECRET_LITERAL");
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return new PavedError(
    secret ? "E_SECRET_LITERAL" : "E_CONFIG_INVALID",
    `${file} is not valid (${count}):\n${problems.map((p) => `  ${p.text}`).join("\n")}`,
    {
      hint: secret
        ? "Secrets never go into paved.yaml or the Nix store: put the secret in a file outside the store (e.g. /run/secrets/…) and give its path. Revoke any token that was committed."
        : `Fix the ${count} above. Editors with yaml-language-server can check paved.yaml as you type against paved.schema.json.`,
      details: { file, problems },
    },
  );
}

function documentValue(doc: Document, file: string, lineCounter: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // An alias without its anchor, or aliases that expand exponentially ("billion laughs"): point at the first
    // alias that does not resolve, else the first alias.
    let at: number | undefined;
    let first: number | undefined;
    visit(doc, {
      Alias(_, node) {
        first ??= node.range?.[0];
        if (node.resolve(doc) === undefined && node.range) {
          at = node.range[0];
          return visit.BREAK;
        }
        return undefined;
      },
    });
    const { line, col } = lineCounter.linePos(at ?? first ?? 0);
    const message = (error as Error).message.split("\n")[0]!;
    throw new PavedError("E_CONFIG_PARSE", `${file}:${line}:${col}: ${message}`, {
      hint:
        at === undefined
          ? "Use fewer nested aliases (*name) in paved.yaml."
          : "Define the anchor (&name) before the alias (*name) that uses it.",
      details: { file, line, col, problems: [] },
      cause: error,
    });
  }
}

/** Validate a parsed document against a schema (the paved.yaml schema unless given). */
export function validateDocument<T = PavedConfig>(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  schema?: Schema<T>,
): T {
  // An empty file is an empty map, so the messages say which keys are missing rather than "got nothing".
  const value = doc.contents === null ? {} : documentValue(doc, file, lineCounter);
  const result = validate((schema ?? pavedConfigSchema) as Schema<T>, value);
  if (result.ok) return result.value;
  const problems = result.issues
    .map((issue) =>
      toProblem(
        issue,
        file,
        lineCounter.linePos(locate(doc, issue.path, issue.at === "key")),
        foundAsWritten(doc, issue),
      ),
    )
    .sort((a, b) => a.line - b.line || a.col - b.col);
  throw invalidConfigError(problems, file);
}

/** Parse and validate paved.yaml text. `file` is the name used in messages. */
export function parseConfig(text: string, file: string = CONFIG_FILE): ParsedConfig {
  const { doc, lineCounter } = parseYaml(text, file);
  return { config: validateDocument(doc, lineCounter, file), doc };
}

/** Validate a plain value (not read from a file): problems carry paths but no line numbers. */
export function validateConfig(value: unknown, file: string = CONFIG_FILE): PavedConfig {
  const result = validate(pavedConfigSchema, value);
  if (result.ok) return result.value;
  throw invalidConfigError(
    result.issues.map((issue) => toProblem(issue, file)),
    file,
  );
}

/** The file name used in messages: relative to the working directory when inside it. */
export function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

export async function readConfigText(dir: string): Promise<{ file: string; text: string }> {
  const file = configPath(dir);
  try {
    return { file, text: await readFile(file, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new PavedError("E_CONFIG_MISSING", `no ${CONFIG_FILE} in ${dir}`, {
        hint: "Run `paved init` to create one (`paved init --platform` for a platform repository), or point --dir at the repository.",
        details: { file, dir },
        cause: error,
      });
    }
    throw new PavedError("E_FILE_READ", `cannot read ${file}: ${(error as Error).message}`, {
      hint: "Check the file's permissions.",
      details: { file },
      cause: error,
    });
  }
}

/** Read, parse and validate `<dir>/paved.yaml`. */
export async function loadConfig(dir: string): Promise<LoadedConfig> {
  const read = await readConfig(dir);
  if (read.error) throw read.error;
  return { config: read.config!, doc: read.doc, file: read.file, text: read.text };
}

export interface ReadConfig {
  file: string;
  text: string;
  doc: Document;
  /** The validated config; undefined when `error` says why it is not valid. */
  config?: PavedConfig;
  /** Why the YAML is not a valid config (E_CONFIG_INVALID, E_SECRET_LITERAL), with file:line:col. */
  error?: PavedError;
  /** The document as plain data, for a reader that keeps going past the error (status reads what it can). */
  raw: Record<string, unknown>;
}

function plainMap(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The one reader of paved.yaml. Text that is not YAML at all throws (nothing can be read from it); YAML that
 * breaks the schema comes back with its error and the raw document, so a strict caller (loadConfig) throws the
 * error and a lenient one (status) reports it and reads on, both from the same parse.
 */
export async function readConfig(dir: string): Promise<ReadConfig> {
  const { file, text } = await readConfigText(dir);
  const name = displayName(file);
  try {
    const { config, doc } = parseConfig(text, name);
    return { file, text, doc, config, raw: plainMap(doc.toJS({ maxAliasCount: 1000 })) };
  } catch (error) {
    if (!(error instanceof PavedError) || !["E_CONFIG_INVALID", "E_SECRET_LITERAL"].includes(error.code)) throw error;
    const { doc } = parseYaml(text, name);
    return { file, text, doc, error, raw: plainMap(doc.toJS({ maxAliasCount: 1000 })) };
  }
}
