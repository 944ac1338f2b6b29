/** Compound schemas (lists, maps, unions) and the `s` builder that is the public face of the schema language. */
import * as z from "zod";
import { didYouMean } from "./_suggest.ts";
import { describeFound, encode, fail } from "./_messages.ts";
import {
  applyOverrides,
  boolean,
  enumOf,
  number,
  replaceJson,
  Schema,
  secretPath,
  string,
  type Infer,
  type JsonSchema,
  type NumberOptions,
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
  protected base(): z.ZodType {
    const { minItems, unique } = this.options;
    let schema = z.array(this.item.toZod(), this.error);
    if (minItems) {
      schema = schema.check((ctx) => {
        const length = ctx.value.length;
        if (length < minItems)
          ctx.issues.push(
            fail([], ctx.value, {
              expected: this.expectedLabel(),
              found: length === 0 ? "an empty list" : `${length} entries`,
            }),
          );
      });
    }
    if (!unique) return schema;
    return schema.check((ctx) => {
      const seen = new Map<string, number>();
      ctx.value.forEach((element, index) => {
        const key = JSON.stringify(element);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else
          ctx.issues.push(
            fail([index], element, {
              expected: `no repeated entries (same as entry ${first + 1})`,
              found: describeFound(element),
            }),
          );
      });
    });
  }
  protected override jsonOverride(json: JsonSchema): void {
    if (this.options.minItems) json.minItems = this.options.minItems;
    if (this.options.unique) json.uniqueItems = true;
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
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    -readonly [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
  }
>;

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * zod takes any object for a map (YAML's !!binary too): refuse what is not a plain map first, as "expected a map".
 * A custom check in front, not a transform: a transform would make the field look optional to zod. `ignore`
 * drops keys (at the top level only, where being optional does not matter).
 */
function mapsOnly(self: Schema<unknown>, schema: z.ZodType, ignore?: RegExp): z.ZodType {
  if (ignore) {
    return z.preprocess((value, ctx) => {
      if (isPlainMap(value)) return Object.fromEntries(Object.entries(value).filter(([key]) => !ignore.test(key)));
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        ctx.issues.push(fail([], value, { expected: self.expectedLabel(), found: describeFound(value) }));
      return value;
    }, schema);
  }
  return z.custom((value) => isPlainMap(value), self.error).pipe(schema);
}

/** The JSON Schema of a guarded map (zod renders a pipe as its first stage: anything): the map's own. */
function mapJson(map: z.ZodType | undefined, json: JsonSchema): void {
  if (!map) return;
  const { $schema: _, ...rendered } = z.toJSONSchema(map, {
    io: "input",
    unrepresentable: "any",
    override: applyOverrides,
  }) as JsonSchema;
  replaceJson(json, rendered);
}

export interface ObjectOptions {
  /** Keys matching this are allowed and dropped (`x-…` at the top level holds YAML anchors to share). */
  ignoreKeys?: RegExp;
  /** A variant of a discriminated union: zod needs the bare object there, and the union checks for a map. */
  variant?: boolean;
}

/** A map with known keys. Strict: an unknown key is an error, with the nearest known key suggested. */
export class ObjectSchema<S extends Shape> extends Schema<InferShape<S>> {
  constructor(
    readonly shape: S,
    readonly options: ObjectOptions = {},
  ) {
    super();
  }
  protected base(): z.ZodType {
    const known = Object.keys(this.shape);
    const object = z.strictObject(Object.fromEntries(known.map((key) => [key, this.shape[key]!.toZod()])), {
      // zod reports unknown keys as one issue; `_validate.ts` splits it into one per key, each with its suggestion.
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? encode({ expected: `one of the keys ${known.join(", ")}`, found: "", unknownKeys: known })
          : this.error.error(issue),
    });
    const ignore = this.options.ignoreKeys;
    if (this.options.variant) return object;
    this.map = ignore ? undefined : object;
    return mapsOnly(this, object, ignore);
  }
  private map: z.ZodType | undefined;
  protected override jsonOverride(json: JsonSchema): void {
    mapJson(this.map, json);
    const ignore = this.options.ignoreKeys;
    if (ignore) json.patternProperties = { [ignore.source]: {} };
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
  protected base(): z.ZodType {
    const { keyPattern, keys } = this.options;
    // Keys are checked beside the values, not by zod's key schema (which would skip the value of a badly named entry).
    return z.record(z.string(), this.value.toZod(), this.error).superRefine(
      (record, ctx) => {
        for (const key of Object.keys(record)) {
          if ((!keyPattern || keyPattern.test(key)) && (!keys || keys.includes(key))) continue;
          const suggestion = keys ? didYouMean(key, keys) : undefined;
          ctx.issues.push(
            fail([key], key, {
              at: "key",
              expected: this.keyLabel(),
              found: `key ${describeFound(key)}`,
              ...(suggestion ? { suggestion } : {}),
            }),
          );
        }
      },
      { when: (payload) => isPlainMap(payload.value) },
    );
  }
  private keyLabel(): string {
    const { keyExpected, keyPattern, keys } = this.options;
    if (keyExpected) return keyExpected;
    if (keys) return `a key that is one of ${keys.join(", ")}`;
    return `a key matching /${keyPattern?.source ?? ".*"}/`;
  }
  protected override jsonOverride(json: JsonSchema): void {
    const { keyPattern, keys } = this.options;
    const propertyNames = {
      ...(keyPattern ? { pattern: keyPattern.source } : {}),
      ...(keys ? { enum: [...keys] } : {}),
    };
    if (keyPattern || keys) json.propertyNames = propertyNames;
    else delete json.propertyNames;
  }
  protected expectedText(): string {
    return "a map";
  }
}

/** The first alternative that accepts the value wins; `_validate.ts` picks which problems to show when none does. */
export class UnionSchema<T> extends Schema<T> {
  constructor(readonly options: readonly Schema<T>[]) {
    super();
  }
  protected base(): z.ZodType {
    return z.union(this.options.map((option) => option.toZod()) as [z.ZodType, ...z.ZodType[]], this.error);
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
    this.objects = new Map(
      Object.entries(variants).map(([tag, shape]) => [
        tag,
        new ObjectSchema({ [key]: enumOf([tag]), ...shape }, { variant: true }),
      ]),
    );
  }
  protected base(): z.ZodType {
    const tags = enumOf([...this.objects.keys()]);
    const options = [...this.objects.values()].map((object) => object.toZod()) as unknown as [
      z.ZodObject,
      ...z.ZodObject[],
    ];
    const union = z.discriminatedUnion(this.key, options, {
      error: (issue) => {
        if (issue.code !== "invalid_union") return this.error.error(issue);
        const tag = isPlainMap(issue.input) ? issue.input[this.key] : undefined;
        const suggestion = typeof tag === "string" ? didYouMean(tag, [...this.objects.keys()]) : undefined;
        return encode({
          expected: tags.expectedLabel(),
          found: describeFound(tag),
          ...(suggestion ? { suggestion } : {}),
        });
      },
    });
    this.map = union;
    return mapsOnly(this, union);
  }
  private map: z.ZodType | undefined;
  protected override jsonOverride(json: JsonSchema): void {
    mapJson(this.map, json);
    const { oneOf, anyOf, ...rest } = json;
    for (const key of Object.keys(json)) delete json[key];
    Object.assign(json, rest, { type: "object", required: [this.key], oneOf: oneOf ?? anyOf });
  }
  protected expectedText(): string {
    return `a map with ${this.key}: ${[...this.objects.keys()].join(" | ")}`;
  }
}

export const s = {
  string,
  number,
  int: (options?: Omit<NumberOptions, "int">) => number({ ...options, int: true }),
  boolean,
  enum: <const V extends string | number>(values: readonly V[]) => enumOf<V>(values),
  literal: <const V extends string | number>(value: V) => enumOf<V>([value]),
  array: <T>(item: Schema<T>, options?: ArrayOptions) => new ArraySchema(item, options),
  object: <S extends Shape>(shape: S, options?: ObjectOptions) => new ObjectSchema(shape, options),
  record: <T>(value: Schema<T>, options?: RecordOptions) => new RecordSchema(value, options),
  union: <const O extends readonly Schema<unknown>[]>(options: O) =>
    new UnionSchema<Infer<O[number]>>(options as readonly Schema<Infer<O[number]>>[]),
  discriminated: <K extends string, V extends Variants>(key: K, variants: V) => new DiscriminatedSchema(key, variants),
  secretPath,
};
