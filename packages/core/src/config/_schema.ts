/**
 * paved.yaml's schema language: a thin layer over zod 4. Each schema builds a zod schema whose issues carry
 * paved's "expected X, found Y" wording (encoded in the issue message; `_validate.ts` decodes it and maps the
 * path to a line); JSON Schema comes from `z.toJSONSchema` (`_jsonschema.ts`). The layer exists for what zod
 * does not say the way paved must: masked secrets, did-you-mean, labels for messages, copy-on-modify.
 */
import { z } from "zod";
import { didYouMean } from "./_suggest.ts";
import { checkSecretPath, looksLikeSecret, maskSecret } from "./_secret.ts";
import { escapeInvisible, unsafeCharacter, type UnsafeCharacter } from "../secrets/index.ts";

/** "U+202E (a bidirectional control character) at character 5": the value itself would hide it again. */
export function describeUnsafe(value: string, bad: UnsafeCharacter): string {
  return `${bad.codePoint} (${bad.name}) at character ${bad.index + 1} of ${describeFound(value.replace(/[^\x20-\x7e\u00a0-\u2000]/gu, "?"))}`;
}

export type PathSegment = string | number;
export type JsonSchema = { [key: string]: unknown };

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
export type Report = (relativePath: PathSegment[], expected: string, found: string, extra?: Pick<Issue, "suggestion" | "code" | "at">) => void;

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

/** Per zod schema, how its JSON Schema differs from zod's rendering (read by `_jsonschema.ts`). */
export const jsonOverrides = new WeakMap<object, (json: JsonSchema) => void>();

// `any` keeps Schema covariant in T (Schema<string> fits Schema<unknown>).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Refinement = (value: any, report: Report) => void;

export abstract class Schema<T> {
  declare readonly _output: T;
  protected descriptionText: string | undefined;
  protected labelOverride: string | undefined;
  protected refinements: Refinement[] = [];
  private built: z.ZodType | undefined;

  /** The zod schema for the type and shape, before refinements. */
  protected abstract base(): z.ZodType;
  /** What this schema accepts, in words ("an integer from 1 to 64"). */
  protected abstract expectedText(): string;
  /** Adjust zod's JSON Schema where it differs from what paved publishes (enum vs const, integer bounds). */
  protected jsonOverride(_json: JsonSchema): void {}

  expectedLabel(): string {
    return this.labelOverride ?? this.expectedText();
  }

  /** The zod `error` option: the wrong type reads "expected <label>, got <value>". */
  protected typeError(issue: { input?: unknown }): string {
    return encode({ expected: this.expectedLabel(), found: describeFound(issue.input) });
  }
  /** The same as a zod `error` option, bound to this copy (a copy made by `expecting` has its own label). */
  protected get error(): { error: (issue: { input?: unknown }) => string } {
    return { error: (issue) => this.typeError(issue) };
  }

  /** The zod schema, built once per (immutable) copy. */
  toZod(): z.ZodType {
    if (this.built) return this.built;
    let schema = this.base();
    for (const refinement of this.refinements) {
      schema = schema.superRefine(
        (value, ctx) => refinement(value, (rel, expected, found, extra) => ctx.issues.push(fail(rel, value, { expected, found, ...extra }))),
        // Only on values that passed (zod would also run it after a problem it counts as minor, such as an unknown key).
        { when: (payload) => payload.issues.length === 0 },
      );
    }
    if (this.descriptionText !== undefined) schema = schema.describe(this.descriptionText);
    jsonOverrides.set(schema, (json) => this.jsonOverride(json));
    this.built = schema;
    return schema;
  }

  toJsonSchema(): JsonSchema {
    const { $schema: _, ...json } = z.toJSONSchema(this.toZod(), { io: "input", override: applyOverrides }) as JsonSchema;
    return json;
  }

  get description(): string | undefined {
    return this.descriptionText;
  }

  protected clone(): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    copy.refinements = [...this.refinements];
    copy.built = undefined;
    return copy;
  }

  /** Replace the words used for "expected …" in messages. */
  expecting(text: string): this {
    const copy = this.clone();
    copy.labelOverride = text;
    return copy;
  }

  describe(text: string): this {
    const copy = this.clone();
    copy.descriptionText = text;
    return copy;
  }

  /** `check` returns false when the value is wrong; `message` says what was expected. */
  refine(check: (value: T) => boolean, message: string | ((value: T) => string)): this {
    return this.refineWith((value, report) => {
      if (!check(value)) report([], typeof message === "string" ? message : message(value), describeFound(value));
    });
  }

  /** Cross-field checks: report any number of problems at paths below this value. Runs only on values that passed. */
  refineWith(fn: (value: T, report: Report) => void): this {
    const copy = this.clone();
    copy.refinements.push(fn);
    return copy;
  }

  optional(): OptionalSchema<T> {
    return new OptionalSchema(this);
  }

  /** Used when the key is missing. The default goes through this schema, so an object default fills its own defaults. */
  default(value: DefaultInput<T>): DefaultSchema<T> {
    return new DefaultSchema(this, value);
  }
}

/** `z.toJSONSchema`'s override hook: apply each paved schema's adjustment. */
export function applyOverrides(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  jsonOverrides.get(ctx.zodSchema as object)?.(ctx.jsonSchema);
}

/** Replace a JSON Schema object's contents in place (the override hook must mutate). */
export function replaceJson(json: JsonSchema, next: JsonSchema): void {
  const description = json.description;
  for (const key of Object.keys(json)) delete json[key];
  Object.assign(json, description === undefined ? {} : { description }, next);
}

export type Infer<S extends Schema<unknown>> = S["_output"];
type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type DefaultInput<T> = DeepPartial<T>;

export class OptionalSchema<T> extends Schema<T | undefined> {
  declare readonly _optional: true;
  constructor(readonly inner: Schema<T>) {
    super();
  }
  protected base(): z.ZodType {
    return this.inner.toZod().optional();
  }
  protected expectedText(): string {
    return this.inner.expectedLabel();
  }
}

export class DefaultSchema<T> extends Schema<T> {
  constructor(
    readonly inner: Schema<T>,
    readonly defaultValue: DefaultInput<T>,
  ) {
    super();
  }
  protected base(): z.ZodType {
    // prefault, not default: the default is parsed like a written value. structuredClone: callers may mutate the result.
    return this.inner.toZod().prefault(() => structuredClone(this.defaultValue));
  }
  protected expectedText(): string {
    return this.inner.expectedLabel();
  }
}

export interface StringOptions {
  pattern?: RegExp;
  /** Words for the pattern, used in messages ("a release like nixos-26.05"). */
  expected?: string;
  minLength?: number;
  maxLength?: number;
  /** Allow line breaks and tabs (shell hooks, commands). Control and bidi characters are refused either way. */
  multiline?: boolean;
}

export class StringSchema extends Schema<string> {
  constructor(readonly options: StringOptions = {}) {
    super();
  }
  protected base(): z.ZodType {
    const { pattern, minLength, maxLength, multiline } = this.options;
    let schema = z
      .string({
        error: (issue) => {
          const hint = typeof issue.input === "number" || typeof issue.input === "boolean" ? " (quote it to make it a string)" : "";
          return encode({ expected: this.expectedLabel(), found: describeFound(issue.input) + hint });
        },
      })
      // One check, one message: the character screen first, then pattern and length together.
      .check((ctx) => {
        const value = ctx.value;
        const bad = unsafeCharacter(value, { multiline: multiline === true });
        if (bad) {
          ctx.issues.push(fail([], value, { expected: `${this.expectedLabel()} without control, invisible or bidirectional characters`, found: describeUnsafe(value, bad) }));
          return;
        }
        const ok = (pattern === undefined || pattern.test(value)) && (minLength === undefined || value.length >= minLength) && (maxLength === undefined || value.length <= maxLength);
        if (!ok) ctx.issues.push(fail([], value, { expected: this.expectedLabel(), found: describeFound(value) }));
      });
    // Never fail after the check above: they give the JSON Schema its pattern and lengths.
    if (pattern) schema = schema.regex(pattern);
    if (minLength !== undefined) schema = schema.min(minLength);
    if (maxLength !== undefined) schema = schema.max(maxLength);
    return schema;
  }
  protected expectedText(): string {
    if (this.options.expected) return this.options.expected;
    if (this.options.pattern) return `a string matching /${this.options.pattern.source}/`;
    return this.options.minLength ? "a non-empty string" : "a string";
  }
}

export interface NumberOptions {
  int?: boolean;
  min?: number;
  max?: number;
}

export class NumberSchema extends Schema<number> {
  constructor(readonly options: NumberOptions = {}) {
    super();
  }
  protected base(): z.ZodType {
    const { int, min, max } = this.options;
    // One check, one message (zod's int/min/max would each add one); its issue stops later checks in zod.
    return z.number(this.error).check((ctx) => {
      const value = ctx.value;
      if ((int && !Number.isInteger(value)) || (min !== undefined && value < min) || (max !== undefined && value > max)) {
        ctx.issues.push(fail([], value, { expected: this.expectedLabel(), found: describeFound(value) }));
      }
    });
  }
  protected override jsonOverride(json: JsonSchema): void {
    // zod adds the safe-integer range to integers; paved.yaml's bounds are its own.
    const { int, min, max } = this.options;
    replaceJson(json, { type: int ? "integer" : "number", ...(min !== undefined ? { minimum: min } : {}), ...(max !== undefined ? { maximum: max } : {}) });
  }
  protected expectedText(): string {
    const { int, min, max } = this.options;
    const noun = int ? "an integer" : "a number";
    if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
    if (min !== undefined) return `${noun} >= ${min}`;
    if (max !== undefined) return `${noun} <= ${max}`;
    return noun;
  }
}

export class BooleanSchema extends Schema<boolean> {
  protected base(): z.ZodType {
    return z.boolean(this.error);
  }
  protected expectedText(): string {
    return "true or false";
  }
}

export class EnumSchema<V extends string | number> extends Schema<V> {
  constructor(readonly values: readonly V[]) {
    super();
  }
  protected base(): z.ZodType {
    const words = this.values.filter((v): v is V & string => typeof v === "string");
    return z.literal(this.values as unknown as [V, ...V[]], {
      error: (issue) => {
        const suggestion = typeof issue.input === "string" ? didYouMean(issue.input, words) : undefined;
        return encode({ expected: this.expectedLabel(), found: describeFound(issue.input), ...(suggestion ? { suggestion } : {}) });
      },
    });
  }
  protected override jsonOverride(json: JsonSchema): void {
    replaceJson(json, this.values.length === 1 ? { const: this.values[0] } : { enum: [...this.values] });
  }
  protected expectedText(): string {
    return this.values.length === 1 ? JSON.stringify(this.values[0]) : `one of ${this.values.join(", ")}`;
  }
}

/** A path to a secret file. A literal secret is refused (E_SECRET_LITERAL) and never echoed. */
export class SecretPathSchema extends Schema<string> {
  protected base(): z.ZodType {
    return z.string(this.error).check((ctx) => {
      const problem = checkSecretPath(ctx.value);
      if (problem) ctx.issues.push(fail([], ctx.value, { expected: problem.expected, found: problem.found, ...(problem.code === "E_SECRET_LITERAL" ? { code: problem.code } : {}) }));
    });
  }
  protected override jsonOverride(json: JsonSchema): void {
    replaceJson(json, { type: "string", pattern: "^/", not: { pattern: "^/nix/store(/|$)" } });
  }
  protected expectedText(): string {
    return "an absolute path to a secret file outside the Nix store";
  }
}

/** A plain string that must not be a credential (values that end up in Nix code or the store). */
export function notSecret(schema: Schema<string>): Schema<string> {
  return schema.refineWith((value, report) => {
    if (looksLikeSecret(value)) {
      report([], "a value that is not a secret (secrets must not go into Nix code; reference a file instead)", describeFound(value), { code: "E_SECRET_LITERAL" });
    }
  });
}
