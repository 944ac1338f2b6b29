/** Compound schemas (lists, maps, unions) and the `s` builder that is the public face of the schema language. */
import { findSecret, unsafeCharacter } from "../secrets/index.ts";
import { didYouMean } from "./_suggest.ts";
import {
  BooleanSchema,
  DefaultSchema,
  OptionalSchema,
  Ctx,
  describeFound,
  describeUnsafe,
  EnumSchema,
  INVALID,
  NumberSchema,
  Schema,
  SecretPathSchema,
  StringSchema,
  type Infer,
  type Issue,
  type JsonSchema,
  type NumberOptions,
  type PathSegment,
  type Result,
  type StringOptions,
} from "./_schema.ts";
export interface ArrayOptions {
  minItems?: number;
  /** Reject repeated items (compared as JSON). */
  unique?: boolean;
}

export class ArraySchema<T> extends Schema<T[]> {
  constructor(
    readonly item: Schema<T>,
    readonly options: ArrayOptions = {},
  ) {
    super();
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<T[]> {
    if (!Array.isArray(value)) {
      ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
      return INVALID;
    }
    let ok = true;
    const out: T[] = [];
    const seen = new Map<string, number>();
    value.forEach((element, index) => {
      const result = this.item.parse(element, [...path, index], ctx);
      if (result === INVALID) ok = false;
      else out.push(result);
      if (this.options.unique) {
        const key = JSON.stringify(element);
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.report({ path: [...path, index], expected: `no repeated entries (same as entry ${first + 1})`, found: describeFound(element) });
          ok = false;
        } else seen.set(key, index);
      }
    });
    const min = this.options.minItems;
    if (min !== undefined && value.length < min) {
      ctx.report({ path, expected: this.expectedLabel(), found: value.length === 0 ? "an empty list" : `${value.length} entries` });
      ok = false;
    }
    return ok ? out : INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    const { minItems, unique } = this.options;
    return { type: "array", items: this.item.toJsonSchema(), ...(minItems ? { minItems } : {}), ...(unique ? { uniqueItems: true } : {}) };
  }
  protected expectedText(): string {
    const min = this.options.minItems;
    return min ? `a list with at least ${min} ${min === 1 ? "entry" : "entries"}` : "a list";
  }
}

export type Shape = { readonly [key: string]: Schema<unknown> };
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { _optional: true } ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type InferShape<S extends Shape> = Simplify<
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { -readonly [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>;

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export interface ObjectOptions {
  /** Keys matching this are allowed and dropped (`x-…` at the top level holds YAML anchors to share). */
  ignoreKeys?: RegExp;
}

/** A map with known keys. Strict: an unknown key is an error, with the nearest known key suggested. */
export class ObjectSchema<S extends Shape> extends Schema<InferShape<S>> {
  constructor(
    readonly shape: S,
    readonly options: ObjectOptions = {},
  ) {
    super();
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<InferShape<S>> {
    if (!isPlainMap(value)) {
      ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
      return INVALID;
    }
    const known = Object.keys(this.shape);
    let ok = true;
    for (const key of Object.keys(value)) {
      if (known.includes(key) || this.options.ignoreKeys?.test(key)) continue;
      const suggestion = didYouMean(key, known);
      ctx.report({ path: [...path, key], at: "key", expected: `one of the keys ${known.join(", ")}`, found: `unknown key ${describeFound(key)}`, ...(suggestion ? { suggestion } : {}) });
      ok = false;
    }
    const entries: [string, unknown][] = [];
    for (const key of known) {
      const result = this.shape[key]!.parse(value[key], [...path, key], ctx);
      if (result === INVALID) ok = false;
      else if (result !== undefined) entries.push([key, result]);
    }
    return ok ? (Object.fromEntries(entries) as InferShape<S>) : INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    const properties: JsonSchema = {};
    const required: string[] = [];
    for (const [key, schema] of Object.entries(this.shape)) {
      properties[key] = schema.toJsonSchema();
      if (!(schema instanceof OptionalSchema) && !(schema instanceof DefaultSchema)) required.push(key);
    }
    const ignored = this.options.ignoreKeys ? { patternProperties: { [this.options.ignoreKeys.source]: {} } } : {};
    return { type: "object", properties, ...ignored, ...(required.length ? { required } : {}), additionalProperties: false };
  }
  protected expectedText(): string {
    return "a map";
  }
}

export interface RecordOptions {
  /** Keys must match this pattern... */
  keyPattern?: RegExp;
  /** ...or be one of these (with a did-you-mean). */
  keys?: readonly string[];
  /** Words for a valid key ("a host name: lower-case letters, digits and -"). */
  keyExpected?: string;
}

/** A map from names the user chooses to values of one schema (shells, hosts, users). */
export class RecordSchema<T> extends Schema<Record<string, T>> {
  constructor(
    readonly value: Schema<T>,
    readonly options: RecordOptions = {},
  ) {
    super();
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<Record<string, T>> {
    if (!isPlainMap(value)) {
      ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
      return INVALID;
    }
    const { keyPattern, keys } = this.options;
    let ok = true;
    const entries: [string, T][] = [];
    for (const [key, element] of Object.entries(value)) {
      const badKey = (keyPattern && !keyPattern.test(key)) || (keys && !keys.includes(key));
      if (badKey) {
        const suggestion = keys ? didYouMean(key, keys) : undefined;
        ctx.report({ path: [...path, key], at: "key", expected: this.keyLabel(), found: `key ${describeFound(key)}`, ...(suggestion ? { suggestion } : {}) });
        ok = false;
      }
      const result = this.value.parse(element, [...path, key], ctx);
      if (result === INVALID) ok = false;
      else entries.push([key, result]);
    }
    return ok ? Object.fromEntries(entries) : INVALID;
  }
  private keyLabel(): string {
    const { keyExpected, keyPattern, keys } = this.options;
    if (keyExpected) return keyExpected;
    if (keys) return `a key that is one of ${keys.join(", ")}`;
    return `a key matching /${keyPattern?.source ?? ".*"}/`;
  }
  protected toJsonSchemaBody(): JsonSchema {
    const { keyPattern, keys } = this.options;
    const propertyNames = { ...(keyPattern ? { pattern: keyPattern.source } : {}), ...(keys ? { enum: [...keys] } : {}) };
    return { type: "object", ...(keyPattern || keys ? { propertyNames } : {}), additionalProperties: this.value.toJsonSchema() };
  }
  protected expectedText(): string {
    return "a map";
  }
}

/** The first alternative that accepts the value wins. */
export class UnionSchema<T> extends Schema<T> {
  constructor(readonly options: readonly Schema<T>[]) {
    super();
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<T> {
    const attempts = this.options.map((option) => {
      const local = new Ctx();
      return { result: option.parse(value, path, local), issues: local.issues };
    });
    const winner = attempts.find((a) => a.result !== INVALID);
    if (winner) return winner.result as T;
    // If exactly one alternative got past the top-level type check, its deeper problems are the useful ones.
    const deep = attempts.filter((a) => a.issues.every((i) => i.path.length > path.length));
    if (deep.length === 1) deep[0]!.issues.forEach((i) => ctx.report(i));
    else ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
    return INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    return { anyOf: this.options.map((o) => o.toJsonSchema()) };
  }
  protected expectedText(): string {
    return this.options.map((o) => o.expectedLabel()).join(" or ");
  }
}

type Variants = { readonly [tag: string]: Shape };
export type InferVariants<K extends string, V extends Variants> = {
  [T in keyof V & string]: Simplify<{ [P in K]: T } & InferShape<V[T]>>;
}[keyof V & string];

/** Maps told apart by one key (`type: http` / `type: systemd`): errors come from the matching variant only. */
export class DiscriminatedSchema<K extends string, V extends Variants> extends Schema<InferVariants<K, V>> {
  private readonly objects: Map<string, ObjectSchema<Shape>>;
  constructor(
    readonly key: K,
    readonly variants: V,
  ) {
    super();
    this.objects = new Map(Object.entries(variants).map(([tag, shape]) => [tag, new ObjectSchema({ [key]: new EnumSchema([tag]), ...shape })]));
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<InferVariants<K, V>> {
    if (!isPlainMap(value)) {
      ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
      return INVALID;
    }
    const tags = [...this.objects.keys()];
    const tag = value[this.key];
    const object = typeof tag === "string" ? this.objects.get(tag) : undefined;
    if (!object) {
      new EnumSchema(tags).parse(tag, [...path, this.key], ctx);
      return INVALID;
    }
    return object.parse(value, path, ctx) as Result<InferVariants<K, V>>;
  }
  protected toJsonSchemaBody(): JsonSchema {
    return { type: "object", required: [this.key], oneOf: [...this.objects.values()].map((o) => o.toJsonSchema()) };
  }
  protected expectedText(): string {
    return `a map with ${this.key}: ${[...this.objects.keys()].join(" | ")}`;
  }
}

export const s = {
  string: (options?: StringOptions) => new StringSchema(options),
  number: (options?: NumberOptions) => new NumberSchema(options),
  int: (options?: Omit<NumberOptions, "int">) => new NumberSchema({ ...options, int: true }),
  boolean: () => new BooleanSchema(),
  enum: <const V extends string | number>(values: readonly V[]) => new EnumSchema<V>(values),
  literal: <const V extends string | number>(value: V) => new EnumSchema<V>([value]),
  array: <T>(item: Schema<T>, options?: ArrayOptions) => new ArraySchema(item, options),
  object: <S extends Shape>(shape: S, options?: ObjectOptions) => new ObjectSchema(shape, options),
  record: <T>(value: Schema<T>, options?: RecordOptions) => new RecordSchema(value, options),
  union: <const O extends readonly Schema<unknown>[]>(options: O) => new UnionSchema<Infer<O[number]>>(options as readonly Schema<Infer<O[number]>>[]),
  discriminated: <K extends string, V extends Variants>(key: K, variants: V) => new DiscriminatedSchema(key, variants),
  secretPath: () => new SecretPathSchema(),
};

/** Validate a plain value: the parsed value, or every issue found. */
/**
 * The pass every paved.yaml key and value goes through, whatever its schema (x- keys included): a credential is an
 * E_SECRET_LITERAL issue at its own path, and so is nothing else; control, invisible and bidi characters are
 * refused everywhere (line breaks only in values; the schema says where they are allowed). Free text (commands,
 * descriptions) is scanned for known formats; one-word values must not look random either.
 */
function screenValues(value: unknown, path: PathSegment[], ctx: Ctx, name?: string): void {
  if (typeof value === "string") {
    // Every value, x- keys included: fields with their own schema get a more precise message from it.
    const bad = unsafeCharacter(value, { multiline: true });
    if (bad) ctx.report({ path, expected: "text without control, invisible or bidirectional characters", found: describeUnsafe(value, bad) });
    // Multi-word text (a command, a description, a public key) is checked for known formats only: its words may be hashes.
    const finding = findSecret(value, { entropy: !/\s/.test(value.trim()), ...(name === undefined ? {} : { name }) });
    if (finding) {
      ctx.report({ path, expected: "a value that is not a secret (secrets must not go into paved.yaml or Nix code; reference a file or a CI secret instead)", found: `what looks like a literal secret (${finding.masked}: ${finding.label.replace(/^an? /, "")})`, code: "E_SECRET_LITERAL" });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => screenValues(item, [...path, index], ctx, name));
  } else if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    for (const [key, item] of Object.entries(value)) {
      // A secret first: a pasted private key has line breaks too, and must be reported as what it is.
      // Keys are names: none may look random either.
      const keyFinding = findSecret(key, { entropy: true });
      const bad = unsafeCharacter(key);
      if (keyFinding) {
        ctx.report({ path: [...path, key], expected: "a key that is not a secret", found: `what looks like a literal secret (${keyFinding.masked}: ${keyFinding.label.replace(/^an? /, "")})`, code: "E_SECRET_LITERAL", at: "key" });
      } else if (bad) ctx.report({ path: [...path, key], expected: "a key without control, invisible or bidirectional characters or line breaks", found: describeUnsafe(key, bad), at: "key" });
      else screenValues(item, [...path, key], ctx, key);
    }
  }
}

export function validate<T>(schema: Schema<T>, value: unknown): { ok: true; value: T } | { ok: false; issues: Issue[] } {
  const ctx = new Ctx();
  const result = schema.parse(value, [], ctx);
  const scan = new Ctx();
  screenValues(value, [], scan);
  // Each value is reported once: a field's own secret message wins over the scan's, the scan's secret message
  // over a plain schema message (which would only repeat the value masked), and a schema's character message
  // (which says what the field expects) over the scan's generic one.
  const at = (issue: Issue) => JSON.stringify(issue.path);
  const secret = (issue: Issue) => issue.code === "E_SECRET_LITERAL";
  const issues = ctx.issues.filter((issue) => secret(issue) || !scan.issues.some((s) => secret(s) && at(s) === at(issue)));
  for (const issue of scan.issues) {
    if (!issues.some((i) => at(i) === at(issue) && (secret(i) || !secret(issue)))) issues.push(issue);
  }
  if (result === INVALID || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: result };
}
