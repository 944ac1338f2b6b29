/**
 * Each command is defined once, as data: its arguments and a typed option table. _program.ts turns the table into
 * commander options (commander stays the parser), the handler receives the table's types (`Handler<typeof def>`,
 * imported as a type, so defining a command loads no handler code), and completion reads the same table to know
 * which values a flag takes (a host, a shell, a file).
 */
import type { CommandContext, CommandOutput } from "./_context.ts";

/** What a value is, for completion: a paved.yaml shell or host name, a path, or free text. */
export type ValueKind = "text" | "shell" | "host" | "file" | "dir" | "rollout";

interface Spec<Value> {
  /** commander's flag syntax: "--dry-run", "-y, --yes", "--host <name>", "--no-write". */
  flags: string;
  description: string;
  /** Never set: carries the type the handler receives. */
  readonly type?: () => Value;
}
export interface FlagSpec extends Spec<boolean> {
  kind: "flag";
}
export interface NegatedSpec extends Spec<boolean> {
  kind: "negated";
}
export interface ValueSpec<Value> extends Spec<Value> {
  kind: "value";
  complete: ValueKind;
  choices?: readonly string[];
  required?: boolean;
  default?: string;
}
export interface ListSpec extends Spec<string[]> {
  kind: "list";
  complete: ValueKind;
  /** `--host a,b` means two hosts; false for values that may hold commas (flake references). */
  commas: boolean;
}
export type OptionSpec = FlagSpec | NegatedSpec | ValueSpec<unknown> | ListSpec;

/** A switch: false unless given. */
export function flag(flags: string, description: string): FlagSpec {
  return { kind: "flag", flags, description };
}

/** A `--no-X` switch: true unless given. */
export function negated(flags: `--no-${string}`, description: string): NegatedSpec {
  return { kind: "negated", flags, description };
}

interface ValueOptions {
  complete?: ValueKind;
}

/** A flag with a value; undefined when not given. */
export function value(flags: string, description: string, options: ValueOptions = {}): ValueSpec<string | undefined> {
  return { kind: "value", flags, description, complete: options.complete ?? "text" };
}

/** A flag that must be given. */
export function required(flags: string, description: string, options: ValueOptions = {}): ValueSpec<string> {
  return { kind: "value", flags, description, complete: options.complete ?? "text", required: true };
}

/** A flag with a default shown in --help. */
export function defaulted(
  flags: string,
  description: string,
  fallback: string,
  options: ValueOptions = {},
): ValueSpec<string> {
  return { kind: "value", flags, description, complete: options.complete ?? "text", default: fallback };
}

/** One of a fixed set; `{ required: true }` makes it mandatory. */
export function choice<const C extends readonly string[]>(
  flags: string,
  choices: C,
  description: string,
): ValueSpec<C[number] | undefined>;
export function choice<const C extends readonly string[]>(
  flags: string,
  choices: C,
  description: string,
  options: { required: true },
): ValueSpec<C[number]>;
export function choice(
  flags: string,
  choices: readonly string[],
  description: string,
  options: { required?: boolean } = {},
): ValueSpec<unknown> {
  return {
    kind: "value",
    flags,
    description,
    complete: "text",
    choices,
    ...(options.required ? { required: true } : {}),
  };
}

/** Repeatable (`--host a --host b`), each value also comma-separable (`--host a,b`): always a list, maybe empty. */
export function list(flags: string, description: string, options: ValueOptions & { commas?: boolean } = {}): ListSpec {
  return { kind: "list", flags, description, complete: options.complete ?? "text", commas: options.commas ?? true };
}

export interface ArgSpec<Value> {
  kind: "required" | "optional" | "variadic";
  description: string;
  complete: ValueKind;
  /** Offered by completion and checked by commander. */
  choices?: readonly string[];
  readonly type?: () => Value;
}

export const arg = {
  required: (description: string, options: ValueOptions = {}): ArgSpec<string> => ({
    kind: "required",
    description,
    complete: options.complete ?? "text",
  }),
  choice: <const C extends readonly string[]>(choices: C, description: string): ArgSpec<C[number]> => ({
    kind: "required",
    description,
    complete: "text",
    choices,
  }),
  optional: (description: string, options: ValueOptions = {}): ArgSpec<string | undefined> => ({
    kind: "optional",
    description,
    complete: options.complete ?? "text",
  }),
  variadic: (description: string, options: ValueOptions = {}): ArgSpec<string[]> => ({
    kind: "variadic",
    description,
    complete: options.complete ?? "text",
  }),
};

export type OptionTable = Record<string, OptionSpec>;
export type ArgTable = Record<string, ArgSpec<unknown>>;

type Carried<S> = S extends { readonly type?: () => infer V } ? V : never;
/** The handler's options: one key per table row, typed by its kind. */
type OptionsOf<T extends OptionTable> = { [K in keyof T]: Carried<T[K]> };
type ArgsOf<T extends ArgTable> = { [K in keyof T]: Carried<T[K]> };

/** What a handler receives besides the context. `command` is set only for definitions with `rest`. */
export interface Input<A extends ArgTable, O extends OptionTable> {
  args: ArgsOf<A>;
  options: OptionsOf<O>;
  /** Everything after a bare `--`, untouched (`paved shell -- CMD ARGS…`); undefined without `--`. */
  rest?: string[];
}

export type Handler<D> =
  D extends CommandSpec<infer A, infer O> ? (ctx: CommandContext, input: Input<A, O>) => Promise<CommandOutput> : never;

/** A loaded handler module, as _program.ts calls it. */
interface CommandModule {
  run: (ctx: CommandContext, input: Input<ArgTable, OptionTable>) => Promise<CommandOutput>;
}

/** A command's name, help, arguments and options: what start-up, --help and completion read. */
export interface CommandSpec<A extends ArgTable = ArgTable, O extends OptionTable = OptionTable> {
  /** "doctor", or a group path such as "shell add". */
  name: string;
  summary: string;
  examples?: string[];
  args?: A;
  options?: O;
  /** `--` ends paved's flags; what follows reaches the handler as `rest`. */
  rest?: string;
  /** Text after the examples in --help (exit codes of the rollout commands). */
  helpAfter?: string;
  hidden?: boolean;
  /** Ctrl-C belongs to a child on the terminal (the dev shell), not to paved: see _signals.ts. */
  foreground?: boolean;
}

/**
 * A spec and the handler module, imported when the command runs, so `paved --version` and `paved --help` never
 * load step packages. Kept apart from the spec so the handler can name the spec's type without a cycle.
 */
export interface CommandDefinition extends CommandSpec {
  load: () => Promise<CommandModule>;
}

export function defineCommand<
  const A extends ArgTable = Record<never, never>,
  const O extends OptionTable = Record<never, never>,
>(spec: CommandSpec<A, O>): CommandSpec<A, O> {
  return spec;
}

/** The handler's type is checked here against the spec's table. */
export function lazy<A extends ArgTable, O extends OptionTable>(
  spec: CommandSpec<A, O>,
  load: () => Promise<{ run: (ctx: CommandContext, input: Input<A, O>) => Promise<CommandOutput> }>,
): CommandDefinition {
  // A handler typed for its own table accepts what the program builds from that same table.
  return { ...spec, load } as CommandDefinition;
}
