/**
 * Changing paved.yaml the way a person would: through the YAML document, so comments, blank lines, key order
 * and quoting survive. The result is validated before anything is written, and written atomically.
 */
import { Document, isCollection, isSeq, isScalar, type ToStringOptions } from "yaml";
import { isPavedError, PavedError } from "../errors.ts";
import { writeAtomic } from "../files/_atomic.ts";
import { displayName, parseConfig, parseYaml, readConfigText, validateConfig } from "./_load.ts";
import { pavedConfigSchema, type PavedConfig } from "./_paved.ts";
import type { PathSegment } from "./_messages.ts";
import { DefaultSchema, OptionalSchema, type Schema } from "./_schema.ts";
import { ObjectSchema, RecordSchema } from "./_schema_compound.ts";
import { validate } from "./_validate.ts";

export interface EditOptions {
  /** Compute and validate the new text, write nothing. */
  dryRun?: boolean;
}

export interface EditResult {
  config: PavedConfig;
  file: string;
  before: string;
  after: string;
  changed: boolean;
  written: boolean;
}

/** Keep the file's own layout: its indentation width and whether list items are indented under their key. */
function detectStyle(text: string): ToStringOptions {
  const indent = /^( +)\S/m.exec(text)?.[1]?.length ?? 2;
  // "key:\n- item" at the same column means the file does not indent sequences.
  const indentSeq = !/^( *)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(text);
  return { indent: indent >= 2 && indent <= 8 ? indent : 2, indentSeq, lineWidth: 0, minContentWidth: 0 };
}

/**
 * Apply `edit` to `<dir>/paved.yaml`'s document, validate the result and write it. If the result is invalid the
 * error names positions in the edited text and the file is left byte-identical.
 */
export async function editConfig(
  dir: string,
  edit: (doc: Document) => void | Promise<void>,
  options: EditOptions = {},
): Promise<EditResult> {
  const { file, text: before } = await readConfigText(dir);
  const name = displayName(file);
  const { doc } = parseYaml(before, name);
  const style = detectStyle(before);
  // The YAML library normalises some spacing (e.g. before comments); only a real change is worth a write.
  const baseline = doc.toString(style);
  await edit(doc);
  const rendered = doc.toString(style);
  const after = rendered === baseline ? before : rendered;
  let config: PavedConfig;
  try {
    config = parseConfig(after, name).config;
  } catch (error) {
    if (!isPavedError(error)) throw error;
    throw new PavedError(
      error.code,
      `the change was not applied, ${name} is unchanged. The result would be invalid:\n${error.message}`,
      {
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        details: { ...error.details, rejectedEdit: true },
        cause: error,
      },
    );
  }
  const changed = after !== before;
  if (changed && !options.dryRun) await writeAtomic(file, after);
  return { config, file, before, after, changed, written: changed && !options.dryRun };
}

/** Flow collections that are empty (`shells: {}`) become block style once something is added to them. */
function unflowAlong(doc: Document, path: readonly PathSegment[]): void {
  for (let i = 0; i <= path.length; i++) {
    const node = doc.getIn(path.slice(0, i), true);
    if (isCollection(node) && node.flow && node.items.length === 0) node.flow = false;
  }
}

/** Set a value at a path, creating maps on the way. */
export function setConfigValue(doc: Document, path: readonly PathSegment[], value: unknown): void {
  unflowAlong(doc, path.slice(0, -1));
  doc.setIn(path, doc.createNode(value));
}

/** Remove the value at a path; true when something was there. */
export function deleteConfigValue(doc: Document, path: readonly PathSegment[]): boolean {
  return doc.hasIn(path) ? doc.deleteIn(path) : false;
}

/** A list entry as plain data, for comparing with a value. */
function plain(item: unknown): string {
  return JSON.stringify(isScalar(item) ? item.value : ((item as { toJSON?: () => unknown })?.toJSON?.() ?? item));
}

/** Append to the list at `path` (created if missing); false when `unique` and the value is already there. */
export function addToConfigList(
  doc: Document,
  path: readonly PathSegment[],
  value: unknown,
  options: { unique?: boolean } = {},
): boolean {
  const found = doc.getIn(path, true);
  // `key:` with nothing after it is an empty value, as good as a missing list.
  const list = isScalar(found) && found.value === null ? undefined : found;
  if (list !== undefined && list !== null && !isSeq(list)) {
    throw new PavedError("E_INPUT", `${path.join(".")} in paved.yaml is not a list`, {
      hint: "Fix paved.yaml by hand, then try again.",
    });
  }
  if (options.unique && isSeq(list) && list.items.some((item) => plain(item) === JSON.stringify(value))) return false;
  unflowAlong(doc, path);
  // addIn on a missing path would store the bare value, not a list holding it.
  if (list === undefined || list === null) doc.setIn(path, doc.createNode([value]));
  else doc.addIn(path, doc.createNode(value));
  return true;
}

/** Remove every list entry equal to `value`; the number removed. */
export function removeFromConfigList(doc: Document, path: readonly PathSegment[], value: unknown): number {
  const list = doc.getIn(path, true);
  if (!isSeq(list)) return 0;
  const before = list.items.length;
  list.items = list.items.filter((item) => plain(item) !== JSON.stringify(value));
  return before - list.items.length;
}

/** A complete config with every default filled in (what `paved init` starts from). */
export function defaultConfig(): PavedConfig {
  return validateConfig({ version: 1 });
}

// Always written out even when equal to the default: a paved upgrade must never move a team's nixpkgs pin.
const ALWAYS_EXPLICIT = new Set(["version", "nixpkgs", "nixpkgs.release"]);

function unwrap(schema: Schema<unknown>): Schema<unknown> {
  return schema instanceof DefaultSchema || schema instanceof OptionalSchema ? unwrap(schema.inner) : schema;
}

/** Drop values equal to their schema default, so a rendered file shows only what the team chose. */
function pruneDefaults(schema: Schema<unknown>, value: unknown, path: string): unknown {
  const inner = unwrap(schema);
  if (inner instanceof ObjectSchema && value && typeof value === "object") {
    const out: [string, unknown][] = [];
    for (const [key, field] of Object.entries(inner.shape as Record<string, Schema<unknown>>)) {
      const child = (value as Record<string, unknown>)[key];
      const childPath = path ? `${path}.${key}` : key;
      if (child === undefined) continue;
      const explicit = ALWAYS_EXPLICIT.has(childPath);
      if (!explicit && field instanceof DefaultSchema && JSON.stringify(child) === JSON.stringify(defaultOf(field)))
        continue;
      out.push([key, pruneDefaults(field, child, childPath)]);
    }
    return Object.fromEntries(out);
  }
  if (inner instanceof RecordSchema && value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, pruneDefaults(inner.value as Schema<unknown>, v, `${path}.*`)]),
    );
  }
  return value;
}

function defaultOf(schema: DefaultSchema<unknown>): unknown {
  const result = validate(schema, undefined);
  return result.ok ? result.value : undefined;
}

export interface RenderOptions {
  /** URL or path of paved.schema.json for the yaml-language-server modeline (editor completion and checks). */
  schemaUrl?: string;
  /** `config` is validateConfig's own result (the caller just validated it): not checked a second time. */
  validated?: boolean;
}

/** A new paved.yaml for `paved init`: validated, defaults left out, with a short header. */
export function renderConfig(config: PavedConfig, options: RenderOptions = {}): string {
  if (options.validated !== true) validateConfig(config);
  const doc = new Document(pruneDefaults(pavedConfigSchema, config, ""));
  const header = [
    " paved.yaml: the one source of truth paved renders flake.nix, CI files and host configurations from.",
    " Edit it by hand or with paved commands; paved checks it and names the line of any mistake.",
  ];
  if (options.schemaUrl) header.push(` yaml-language-server: $schema=${options.schemaUrl}`);
  doc.commentBefore = header.join("\n");
  return doc.toString({ lineWidth: 0 });
}
