/**
 * paved.yaml's schema language: a thin layer over zod 4. Each schema builds a zod schema whose issues carry
 * paved's "expected X, got Y" wording (`_messages.ts`; `_validate.ts` maps paths to lines); JSON Schema is
 * `z.toJSONSchema` (`_jsonschema.ts`). The layer keeps what zod does not say paved's way: the words for what a
 * field accepts, masked secrets, did-you-mean, and the defaults and shapes `_edit.ts` reads.
 */
import * as z from "zod";
import { didYouMean } from "./_suggest.ts";
import { checkSecretPath, looksLikeSecret } from "./_secret.ts";
import { unsafeCharacter } from "../secrets/index.ts";
import { describeFound, describeUnsafe, encode, fail, type Report } from "./_messages.ts";

// paved validates one file per process: zod's compiled object parsers (`new Function` per shape) cost more to
// build than the one parse they speed up.
z.config({ jitless: true });

export type JsonSchema = { [key: string]: unknown };

/** Per zod schema, how its JSON Schema differs from zod's rendering (enum vs const, integer bounds). */
const jsonOverrides = new WeakMap<object, (json: JsonSchema) => void>();

/** `z.toJSONSchema`'s override hook. */
export function applyOverrides(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  jsonOverrides.get(ctx.zodSchema as object)?.(ctx.jsonSchema);
}

/** Replace a JSON Schema object's contents in place, keeping its description (the override hook must mutate). */
export function replaceJson(json: JsonSchema, next: JsonSchema): void {
  const description = json.description;
  for (const key of Object.keys(json)) delete json[key];
  Object.assign(json, description === undefined ? {} : { description }, next);
}

// `any` keeps Schema covariant in T (Schema<string> fits Schema<unknown>).
// biome-ignore lint/suspicious/noExplicitAny: see above
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
  protected jsonOverride(_json: JsonSchema): void {}

  expectedLabel(): string {
    return this.labelOverride ?? this.expectedText();
  }

  /** zod's `error` option: a wrong type reads "expected <label>, got <value>". */
  get error(): { error: (issue: { input?: unknown }) => string } {
    return { error: (issue) => encode({ expected: this.expectedLabel(), found: describeFound(issue.input) }) };
  }

  /** The zod schema, built once per (immutable) copy. */
  toZod(): z.ZodType {
    if (this.built) return this.built;
    let schema = this.base();
    for (const refinement of this.refinements) {
      schema = schema.superRefine(
        (value, ctx) =>
          refinement(value, (rel, expected, found, extra) =>
            ctx.issues.push(fail(rel, value, { expected, found, ...extra })),
          ),
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
    const { $schema: _, ...json } = z.toJSONSchema(this.toZod(), {
      io: "input",
      unrepresentable: "any",
      override: applyOverrides,
    }) as JsonSchema;
    return json;
  }

  get description(): string | undefined {
    return this.descriptionText;
  }

  protected with(change: { descriptionText?: string; labelOverride?: string; refinements?: Refinement[] }): this {
    return Object.assign(Object.create(Object.getPrototypeOf(this)) as this, this, { built: undefined }, change);
  }

  /** Replace the words used for "expected …" in messages. */
  expecting(text: string): this {
    return this.with({ labelOverride: text });
  }

  describe(text: string): this {
    return this.with({ descriptionText: text });
  }

  /** `check` returns false when the value is wrong; `message` says what was expected. */
  refine(check: (value: T) => boolean, message: string | ((value: T) => string)): this {
    return this.refineWith((value, report) => {
      if (!check(value)) report([], typeof message === "string" ? message : message(value), describeFound(value));
    });
  }

  /** Cross-field checks: report any number of problems at paths below this value. Runs only on values that passed. */
  refineWith(fn: (value: T, report: Report) => void): this {
    return this.with({ refinements: [...this.refinements, fn] });
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
type DeepPartial<T> = T extends readonly (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
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

/** A scalar schema: its zod form, its words, and the JSON Schema paved publishes for it when zod's differs. */
class Leaf<T> extends Schema<T> {
  constructor(
    private readonly build: (self: Leaf<T>) => z.ZodType,
    private readonly label: string,
    private readonly json?: JsonSchema,
  ) {
    super();
  }
  protected base(): z.ZodType {
    return this.build(this);
  }
  protected expectedText(): string {
    return this.label;
  }
  protected override jsonOverride(json: JsonSchema): void {
    if (this.json) replaceJson(json, this.json);
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

export function string(options: StringOptions = {}): Schema<string> {
  const { pattern, minLength, maxLength, multiline, expected } = options;
  const label =
    expected ?? (pattern ? `a string matching /${pattern.source}/` : minLength ? "a non-empty string" : "a string");
  return new Leaf((self) => {
    let schema = z
      .string({
        error: (issue) => {
          const hint =
            typeof issue.input === "number" || typeof issue.input === "boolean"
              ? " (quote it to make it a string)"
              : "";
          return encode({ expected: self.expectedLabel(), found: describeFound(issue.input) + hint });
        },
      })
      // One check, one message: the character screen first, then pattern and length together.
      .check((ctx) => {
        const value = ctx.value;
        const bad = unsafeCharacter(value, { multiline: multiline === true });
        const ok =
          (pattern === undefined || pattern.test(value)) &&
          (minLength === undefined || value.length >= minLength) &&
          (maxLength === undefined || value.length <= maxLength);
        if (bad)
          ctx.issues.push(
            fail([], value, {
              expected: `${self.expectedLabel()} without control, invisible or bidirectional characters`,
              found: describeUnsafe(value, bad),
            }),
          );
        else if (!ok) ctx.issues.push(fail([], value, { expected: self.expectedLabel(), found: describeFound(value) }));
      });
    // These never fail after the check above (its issue stops later checks): they give the JSON Schema its pattern and lengths.
    if (pattern) schema = schema.regex(pattern);
    if (minLength !== undefined) schema = schema.min(minLength);
    if (maxLength !== undefined) schema = schema.max(maxLength);
    return schema;
  }, label);
}

export interface NumberOptions {
  int?: boolean;
  min?: number;
  max?: number;
}

export function number({ int, min, max }: NumberOptions = {}): Schema<number> {
  const noun = int ? "an integer" : "a number";
  const label =
    min !== undefined && max !== undefined
      ? `${noun} from ${min} to ${max}`
      : min !== undefined
        ? `${noun} >= ${min}`
        : max !== undefined
          ? `${noun} <= ${max}`
          : noun;
  // One check, one message (zod's int/min/max would each add one); zod's integer JSON Schema adds the safe-integer range.
  const json = {
    type: int ? "integer" : "number",
    ...(min !== undefined ? { minimum: min } : {}),
    ...(max !== undefined ? { maximum: max } : {}),
  };
  return new Leaf(
    (self) =>
      z.number(self.error).check((ctx) => {
        const value = ctx.value;
        if (
          (int && !Number.isInteger(value)) ||
          (min !== undefined && value < min) ||
          (max !== undefined && value > max)
        ) {
          ctx.issues.push(fail([], value, { expected: self.expectedLabel(), found: describeFound(value) }));
        }
      }),
    label,
    json,
  );
}

export const boolean = (): Schema<boolean> => new Leaf((self) => z.boolean(self.error), "true or false");

export function enumOf<V extends string | number>(values: readonly V[]): Schema<V> {
  const words = values.filter((v): v is V & string => typeof v === "string");
  const build = (self: Leaf<V>) =>
    z.literal(values as unknown as [V, ...V[]], {
      error: (issue) => {
        const suggestion = typeof issue.input === "string" ? didYouMean(issue.input, words) : undefined;
        return encode({
          expected: self.expectedLabel(),
          found: describeFound(issue.input),
          ...(suggestion ? { suggestion } : {}),
        });
      },
    });
  return values.length === 1
    ? new Leaf(build, JSON.stringify(values[0]), { const: values[0] })
    : new Leaf(build, `one of ${values.join(", ")}`, { enum: [...values] });
}

/** A path to a secret file. A literal secret is refused (E_SECRET_LITERAL) and never echoed. */
export function secretPath(): Schema<string> {
  const build = (self: Leaf<string>) =>
    z.string(self.error).check((ctx) => {
      const problem = checkSecretPath(ctx.value);
      if (problem)
        ctx.issues.push(
          fail([], ctx.value, {
            expected: problem.expected,
            found: problem.found,
            ...(problem.code === "E_SECRET_LITERAL" ? { code: problem.code } : {}),
          }),
        );
    });
  return new Leaf(build, "an absolute path to a secret file outside the Nix store", {
    type: "string",
    pattern: "^/",
    not: { pattern: "^/nix/store(/|$)" },
  });
}

/** A plain string that must not be a credential (values that end up in Nix code or the store). */
export function notSecret(schema: Schema<string>): Schema<string> {
  return schema.refineWith((value, report) => {
    if (looksLikeSecret(value)) {
      report(
        [],
        "a value that is not a secret (secrets must not go into Nix code; reference a file instead)",
        describeFound(value),
        { code: "E_SECRET_LITERAL" },
      );
    }
  });
}
