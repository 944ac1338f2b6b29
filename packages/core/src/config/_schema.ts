/**
 * A tiny schema language for paved.yaml. One definition gives three things: validation that collects every
 * problem with its path, the static TypeScript type (`Infer<typeof schema>`), and a JSON Schema for editors.
 * Schemas validate plain values (the YAML document's `toJS()`); `_load.ts` maps each problem's path back to
 * a line and column. Schemas are immutable: every modifier returns a copy, so shared pieces stay shared.
 */
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

export class Ctx {
  readonly issues: Issue[] = [];
  report(issue: Issue): void {
    this.issues.push(issue);
  }
}

export const INVALID: unique symbol = Symbol("invalid");
export type Result<T> = T | typeof INVALID;

type Refinement<T> = (value: T, path: PathSegment[], ctx: Ctx) => void;

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

export abstract class Schema<T> {
  declare readonly _output: T;
  protected descriptionText: string | undefined;
  // `any`: a function-typed field would make Schema invariant in T, and Schema<string> must fit Schema<unknown>.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  protected refinements: Refinement<any>[] = [];

  /** Check the type and shape; refinements run afterwards, only on values that passed. */
  protected abstract check(value: unknown, path: PathSegment[], ctx: Ctx): Result<T>;
  protected abstract toJsonSchemaBody(): JsonSchema;
  protected labelOverride: string | undefined;
  /** What this schema accepts, in words ("an integer from 1 to 64"). */
  protected abstract expectedText(): string;

  expectedLabel(): string {
    return this.labelOverride ?? this.expectedText();
  }

  /** Replace the words used for "expected …" in messages. */
  expecting(text: string): this {
    const copy = this.clone();
    copy.labelOverride = text;
    return copy;
  }

  parse(value: unknown, path: PathSegment[], ctx: Ctx): Result<T> {
    if (value === undefined) {
      ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
      return INVALID;
    }
    const result = this.check(value, path, ctx);
    if (result === INVALID) return INVALID;
    const before = ctx.issues.length;
    for (const refinement of this.refinements) refinement(result, path, ctx);
    return ctx.issues.length > before ? INVALID : result;
  }

  toJsonSchema(): JsonSchema {
    const body = this.toJsonSchemaBody();
    return this.descriptionText === undefined ? body : { description: this.descriptionText, ...body };
  }

  get description(): string | undefined {
    return this.descriptionText;
  }

  protected clone(): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    copy.refinements = [...this.refinements];
    return copy;
  }

  describe(text: string): this {
    const copy = this.clone();
    copy.descriptionText = text;
    return copy;
  }

  /** `check` returns false when the value is wrong; `message` says what was expected. */
  refine(check: (value: T) => boolean, message: string | ((value: T) => string)): this {
    const copy = this.clone();
    copy.refinements.push((value, path, ctx) => {
      if (check(value)) return;
      const expected = typeof message === "string" ? message : message(value);
      ctx.report({ path, expected, found: describeFound(value) });
    });
    return copy;
  }

  /** Cross-field checks: report any number of problems at paths below this value. */
  refineWith(fn: (value: T, report: Report) => void): this {
    const copy = this.clone();
    copy.refinements.push((value, path, ctx) =>
      fn(value, (rel, expected, found, extra) => ctx.report({ path: [...path, ...rel], expected, found, ...extra })),
    );
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

export type Infer<S extends Schema<unknown>> = S["_output"];
type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type DefaultInput<T> = DeepPartial<T>;

export class OptionalSchema<T> extends Schema<T | undefined> {
  declare readonly _optional: true;
  constructor(readonly inner: Schema<T>) {
    super();
    this.descriptionText = inner.description;
  }
  override parse(value: unknown, path: PathSegment[], ctx: Ctx): Result<T | undefined> {
    return value === undefined ? undefined : super.parse(value, path, ctx);
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<T> {
    return this.inner.parse(value, path, ctx);
  }
  protected toJsonSchemaBody(): JsonSchema {
    const { description: _, ...rest } = this.inner.toJsonSchema();
    return rest;
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
    this.descriptionText = inner.description;
  }
  override parse(value: unknown, path: PathSegment[], ctx: Ctx): Result<T> {
    // structuredClone: callers may mutate the parsed config without changing the schema's default.
    return super.parse(value === undefined ? structuredClone(this.defaultValue) : value, path, ctx);
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<T> {
    return this.inner.parse(value, path, ctx);
  }
  protected toJsonSchemaBody(): JsonSchema {
    const { description: _, ...rest } = this.inner.toJsonSchema();
    return { ...rest, default: this.defaultValue };
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
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<string> {
    const { pattern, minLength, maxLength } = this.options;
    const bad = typeof value === "string" ? unsafeCharacter(value, { multiline: this.options.multiline === true }) : undefined;
    if (bad) {
      ctx.report({ path, expected: `${this.expectedLabel()} without control, invisible or bidirectional characters`, found: describeUnsafe(value as string, bad) });
      return INVALID;
    }
    const ok =
      typeof value === "string" &&
      (pattern === undefined || pattern.test(value)) &&
      (minLength === undefined || value.length >= minLength) &&
      (maxLength === undefined || value.length <= maxLength);
    if (ok) return value;
    const hint = typeof value === "number" || typeof value === "boolean" ? " (quote it to make it a string)" : "";
    ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) + hint });
    return INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    const { pattern, minLength, maxLength } = this.options;
    return {
      type: "string",
      ...(pattern ? { pattern: pattern.source } : {}),
      ...(minLength !== undefined ? { minLength } : {}),
      ...(maxLength !== undefined ? { maxLength } : {}),
    };
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
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<number> {
    const { int, min, max } = this.options;
    const ok =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (!int || Number.isInteger(value)) &&
      (min === undefined || value >= min) &&
      (max === undefined || value <= max);
    if (ok) return value;
    ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
    return INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    const { int, min, max } = this.options;
    return { type: int ? "integer" : "number", ...(min !== undefined ? { minimum: min } : {}), ...(max !== undefined ? { maximum: max } : {}) };
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
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<boolean> {
    if (typeof value === "boolean") return value;
    ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
    return INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    return { type: "boolean" };
  }
  protected expectedText(): string {
    return "true or false";
  }
}

export class EnumSchema<V extends string | number> extends Schema<V> {
  constructor(readonly values: readonly V[]) {
    super();
  }
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<V> {
    if ((this.values as readonly unknown[]).includes(value)) return value as V;
    const words = this.values.filter((v): v is V & string => typeof v === "string");
    const suggestion = typeof value === "string" ? didYouMean(value, words) : undefined;
    ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value), ...(suggestion ? { suggestion } : {}) });
    return INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    return this.values.length === 1 ? { const: this.values[0] } : { enum: [...this.values] };
  }
  protected expectedText(): string {
    return this.values.length === 1 ? JSON.stringify(this.values[0]) : `one of ${this.values.join(", ")}`;
  }
}

/** A path to a secret file. A literal secret is refused (E_SECRET_LITERAL) and never echoed. */
export class SecretPathSchema extends Schema<string> {
  protected check(value: unknown, path: PathSegment[], ctx: Ctx): Result<string> {
    if (typeof value !== "string") {
      ctx.report({ path, expected: this.expectedLabel(), found: describeFound(value) });
      return INVALID;
    }
    const problem = checkSecretPath(value);
    if (!problem) return value;
    ctx.report({ path, expected: problem.expected, found: problem.found, ...(problem.code === "E_SECRET_LITERAL" ? { code: problem.code } : {}) });
    return INVALID;
  }
  protected toJsonSchemaBody(): JsonSchema {
    return { type: "string", pattern: "^/", not: { pattern: "^/nix/store(/|$)" } };
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
