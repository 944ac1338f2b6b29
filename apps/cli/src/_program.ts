// The `paved` program as commander sees it: global flags, the commands of registry.ts built from their option
// tables, and the screening every flag and argument passes before a handler is loaded. main.ts runs it.
import { PavedError } from "@paved/core/errors";
import { assertNoSecret, unsafeCharacter } from "@paved/core/secrets";
import { Argument, Command, Help, Option } from "commander";
import type { ArgTable, CommandDefinition, Input, OptionSpec, OptionTable } from "./_define.ts";
import { privateStop, runHandler } from "./_dispatch.ts";
import complete from "./defs/complete.ts";
import { commands } from "./registry.ts";
import pkg from "../package.json" with { type: "json" };

declare module "commander" {
  interface Command {
    // commander's own "unknown command 'x' (Did you mean y?)" error; public in its JS, missing from its typings.
    unknownCommand(): never;
  }
}

export const USAGE_HINT = "see `paved --help` or `paved COMMAND --help`";

/** commander's message in paved's words: no "error:" prefix, its suggestion on the same line. */
export function usageMessage(text: string): string {
  return text
    .replace(/^error: /, "")
    .replace(/\s*\(Did you mean (.+?)\?\)/, " (did you mean $1?)")
    .trimEnd();
}

/** Flags of the whole program, accepted before and after the command's name. */
const GLOBAL_FLAGS = [
  { flags: "--json", description: "print machine-readable JSON on stdout" },
  { flags: "-C, --dir <path>", description: "run as if started in <path>" },
  { flags: "-q, --quiet", description: "print only errors" },
  { flags: "-v, --verbose", description: "print Nix output and stack traces on errors" },
] as const;

export interface GlobalOptions {
  json?: boolean;
  dir?: string;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
}

/** Where a parsed command line goes: main.ts loads and runs the handler; tests may capture the input instead. */
export type Dispatch = (
  definition: CommandDefinition,
  input: Input<ArgTable, OptionTable>,
  globals: GlobalOptions,
) => Promise<void>;

/** A flag's or argument's value: no control, invisible or bidi characters, and no secret. */
function screenValue(value: string, label: string, name?: string): void {
  // Secrets first: a pasted private key has line breaks, and it must be reported as what it is.
  assertNoSecret(value, label, { entropy: !/\s/.test(value.trim()), ...(name === undefined ? {} : { name }) });
  const bad = unsafeCharacter(value);
  if (bad) {
    throw new PavedError(
      "E_INPUT",
      `${label}: refused ${bad.name} (${bad.codePoint}) at character ${bad.index + 1}; nothing was written`,
      {
        hint: "Retype the value: it holds a character that does not show on screen (copied from a web page or chat?).",
        details: { label, codePoint: bad.codePoint },
      },
    );
  }
}

/**
 * The raw command line, screened before commander reads it: commander's own messages (an invalid choice, an
 * unknown option) repeat the value they refuse. Values are named by the flag before them; everything after a
 * bare `--` is a command of the user's own (`paved shell -- CMD`) and is left alone.
 */
function screenArgv(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") return;
    const inline = /^(--[A-Za-z0-9-]+)=(.*)$/s.exec(token);
    if (inline) screenValue(inline[2]!, inline[1]!);
    else if (token.startsWith("-")) screenValue(token, "an option");
    // Positional arguments are screened by the command, which knows their names (NAME, USER).
    else if (i > 0 && argv[i - 1]!.startsWith("-")) screenValue(token, argv[i - 1]!);
  }
}

/** The part of a command line that is paved's own: everything before a bare `--`. */
export function ownArgs(argv: readonly string[]): readonly string[] {
  const at = argv.indexOf("--");
  return at < 0 ? argv : argv.slice(0, at);
}

/**
 * `paved help rollout apply` as `paved rollout apply --help`: commander's help command takes one word, and would
 * answer a nested command with its group's help.
 */
function helpAsFlag(argv: readonly string[]): readonly string[] {
  return argv[0] === "help" && argv.length > 1 && !argv.includes("--") ? [...argv.slice(1), "--help"] : argv;
}

/** Parses and runs `argv` (without node and the script), screened first. */
export async function runArgv(program: Command, argv: readonly string[]): Promise<void> {
  screenArgv(argv);
  await program.parseAsync([...helpAsFlag(argv)], { from: "user" });
}

function commanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.kind === "value") {
    if (spec.choices) option.choices(spec.choices);
    if (spec.required) option.makeOptionMandatory();
    if (spec.default !== undefined) option.default(spec.default);
  } else if (spec.kind === "list" && !option.variadic) {
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  }
  return option;
}

/** commander's value for one table row, as the row's type says. */
function readOption(spec: OptionSpec, raw: unknown): unknown {
  switch (spec.kind) {
    case "flag":
      return raw === true;
    case "negated":
      return raw !== false;
    case "value":
      return typeof raw === "string" ? raw : undefined;
    case "list": {
      const items = Array.isArray(raw) ? raw.filter((item): item is string => typeof item === "string") : [];
      return spec.commas === false
        ? items
        : items
            .flatMap((item) => item.split(","))
            .map((item) => item.trim())
            .filter(Boolean);
    }
  }
}

/**
 * Hidden copies of the global flags on a command, so `paved status --json` works as `paved --json status`. Added
 * just before commander enters the command (never for `paved --version`): start-up builds no options it won't read.
 */
function addGlobals(_parent: Command, command: Command): void {
  if (command.options.some((option) => option.long === "--json")) return;
  for (const global of GLOBAL_FLAGS) command.addOption(new Option(global.flags, global.description).hideHelp());
  command.addOption(new Option("--no-color", "disable colours (or set NO_COLOR)").hideHelp());
}

/**
 * Groups ("rollout", the program itself) run only to say what is wrong: an unknown command is a usage error
 * (exit 2) even with --help, which commander would answer with the group's help and exit 0.
 */
function makeGroup(group: Command): void {
  group
    .helpOption(false)
    .addOption(new Option("-h, --help", "display help for command"))
    .allowExcessArguments()
    .action((_options: unknown, self: Command) => {
      if (self.args.length > 0) self.unknownCommand();
      if (self.opts().help === true) self.help();
      self.help({ error: true });
    })
    // `paved --help status` asks for paved's help, as commander's own help option would.
    .hook("preSubcommand", (self) => {
      if (self.opts().help === true) self.help();
    });
}

/** The command line a group's help lists for one command, read from its definition (its options may be unbuilt). */
function commandTerm(name: string, definition: CommandDefinition): string {
  const args = Object.entries(definition.args ?? {}).map(([arg, spec]) =>
    spec.kind === "required" ? `<${arg}>` : spec.kind === "optional" ? `[${arg}]` : `<${arg}...>`,
  );
  const options = Object.keys(definition.options ?? {}).length > 0 ? ["[options]"] : [];
  return [name, ...options, ...args].join(" ");
}

/**
 * Declares a command by name and summary; its arguments, options and action only when `full` (the command line names
 * it). Start-up (`paved --version`, `paved status`) so builds one command's options, not all 26.
 */
function attach(
  program: Command,
  definition: CommandDefinition,
  parents: Map<string, Command>,
  groups: Set<Command>,
  dispatch: Dispatch | undefined,
): Command {
  const words = definition.name.split(" ");
  const leaf = words.pop()!;
  let parent = program;
  for (const [index, word] of words.entries()) {
    const key = words.slice(0, index + 1).join(" ");
    let group = parents.get(key);
    if (!group) {
      group = parent.command(word);
      groups.add(group);
      parents.set(key, group);
    }
    // A group's own flags (`shell --nixpkgs`) are read before a subcommand's name only: `shell add --nixpkgs`
    // belongs to `shell add`.
    group.enablePositionalOptions();
    parent = group;
  }
  const command = parent.command(leaf, { hidden: definition.hidden === true }).description(definition.summary);
  parents.set(definition.name, command);
  if (dispatch) fill(command, definition, dispatch);
  return command;
}

/** Arguments, options, help text and action of one command, from its definition. */
function fill(command: Command, definition: CommandDefinition, dispatch: Dispatch): void {
  const argTable: ArgTable = definition.args ?? {};
  for (const [name, spec] of Object.entries(argTable)) {
    const syntax = spec.kind === "required" ? `<${name}>` : spec.kind === "optional" ? `[${name}]` : `<${name}...>`;
    command.addArgument(
      spec.choices
        ? new Argument(syntax, spec.description).choices(spec.choices)
        : new Argument(syntax, spec.description),
    );
  }
  const optionTable: OptionTable = definition.options ?? {};
  const options = new Map(
    Object.entries(optionTable).map(([key, spec]) => [key, { spec, option: commanderOption(spec) }]),
  );
  for (const { option } of options.values()) command.addOption(option);
  let rest: string[] | undefined;
  if (definition.rest !== undefined) {
    command.usage(
      `[options] ${Object.keys(argTable)
        .map((name) => `[${name}]`)
        .join(" ")} [-- ${definition.rest.split(":")[0]}]`.replace(/\s+/g, " "),
    );
    // `paved shell make test` is a command missing its `--`: say so, rather than "too many arguments".
    command.allowExcessArguments();
    // commander drops a bare `--` and mixes what follows into the operands; the handler needs it apart.
    const parse = command.parseOptions.bind(command);
    command.parseOptions = (argv) => {
      const at = argv.indexOf("--");
      const subcommand = argv.length > 0 && command.commands.some((child) => child.name() === argv[0]);
      rest = at < 0 || subcommand ? undefined : argv.slice(at + 1);
      return parse(at < 0 || subcommand ? argv : argv.slice(0, at));
    };
  }
  const after = [
    definition.examples?.length ? `\nExamples:\n${definition.examples.map((e) => `  $ ${e}`).join("\n")}\n` : "",
    definition.rest === undefined ? "" : `\nAfter --:\n  ${definition.rest}\n`,
    definition.helpAfter ?? "",
  ].join("");
  if (after) command.addHelpText("after", after);
  command.action(async (...received: unknown[]) => {
    const self = received.at(-1);
    if (!(self instanceof Command)) throw new Error("commander passed no command to the action");
    // optsWithGlobals: a flag a group command declares (`shell --dry-run add`) also reaches its subcommands.
    const raw: Record<string, unknown> = self.optsWithGlobals();
    const labels = new Map(
      self.options.map((option) => [option.attributeName(), option.long ?? option.short ?? option.name()]),
    );
    for (const [key, value] of Object.entries(raw)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === "string") screenValue(item, labels.get(key) ?? `--${key}`, key);
      }
    }
    const extra = self.args.slice(Object.keys(argTable).length);
    if (definition.rest !== undefined && extra.length > 0) {
      // Screened first: the message repeats them.
      for (const item of extra) screenValue(item, "an argument");
      throw new PavedError("E_USAGE", `paved ${definition.name}: unexpected argument ${JSON.stringify(extra[0])}`, {
        hint: `Put the command after --: paved ${definition.name} ${Object.keys(argTable)
          .map((name) => `[${name.toUpperCase()}] `)
          .join("")}-- ${extra.join(" ")}`,
      });
    }
    const args: Record<string, unknown> = {};
    Object.keys(argTable).forEach((name, index) => {
      const value = self.processedArgs[index];
      for (const item of Array.isArray(value) ? value : [value])
        if (typeof item === "string") screenValue(item, name.toUpperCase());
      args[name] = value;
    });
    const parsed: Record<string, unknown> = {};
    for (const [key, { spec, option }] of options) parsed[key] = readOption(spec, raw[option.attributeName()]);
    const globals: GlobalOptions = {
      json: raw.json === true,
      quiet: raw.quiet === true,
      verbose: raw.verbose === true,
      color: raw.color !== false,
      ...(typeof raw.dir === "string" ? { dir: raw.dir } : {}),
    };
    await dispatch(definition, { args, options: parsed, ...(rest === undefined ? {} : { rest }) }, globals);
  });
}

export interface ProgramOptions {
  /**
   * The command line about to run: only commands whose words it names get their options built (start-up cost).
   * Without it every command is built, as tests that inspect the program expect.
   */
  argv?: readonly string[];
  dispatch?: Dispatch;
  writeOut?: (text: string) => void;
  writeErr?: (text: string) => void;
}

/** The whole `paved` program: global flags, every command, input screening. main.ts runs it; tests can run it in-process. */
export function buildProgram(options: ProgramOptions = {}): Command {
  const writeOut = options.writeOut ?? ((text: string) => process.stdout.write(text));
  const writeErr = options.writeErr ?? ((text: string) => process.stderr.write(text));
  const groups = new Set<Command>();
  const definitions = new Map<Command, CommandDefinition>();
  const dispatch: Dispatch =
    options.dispatch ??
    runHandler({ stdout: writeOut, stderr: writeErr, stop: privateStop(), exit: (code) => (process.exitCode = code) });
  const program = new Command("paved")
    .description('From "we should try Nix" to NixOS fleets, one safe step at a time.')
    .version(pkg.version, "-V, --version")
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .helpCommand(true)
    // Inherited by every command: subcommand help lists the global flags under "Global Options".
    .configureHelp({
      showGlobalOptions: true,
      visibleGlobalOptions: (command) => {
        const help = Object.assign(new Help(), { showGlobalOptions: true });
        return help
          .visibleGlobalOptions(command)
          .filter((option) => GLOBAL_FLAGS.some((global) => global.flags === option.flags));
      },
      // A group's only option is --help: list it as "rollout <command>", not "rollout [options]".
      subcommandTerm: (command) => {
        if (groups.has(command)) return `${command.name()} <command>`;
        const definition = definitions.get(command);
        return definition ? commandTerm(command.name(), definition) : new Help().subcommandTerm(command);
      },
    })
    // Usage errors look like every other paved error: a code, the message, a hint.
    .configureOutput({
      writeOut,
      writeErr,
      outputError: (text, write) => write(`error [E_USAGE] ${usageMessage(text)}\nhint: ${USAGE_HINT}\n`),
    })
    .exitOverride();
  for (const global of GLOBAL_FLAGS) program.option(global.flags, global.description);
  program.addOption(new Option("--no-color", "disable colours (or set NO_COLOR)").hideHelp());
  program.addHelpText(
    "after",
    `
Examples:
  $ paved doctor                  check Nix, flakes, git and direnv
  $ paved init --yes              detect toolchains, write paved.yaml, flake.nix and .envrc
  $ paved shell -- node --version run one command in the project's dev shell
  $ paved status                  where the team stands on the five-step path
  $ paved plan                    what to do next
  $ source <(paved completion bash)   tab completion (also zsh, fish)

Exit codes: 0 ok, 1 failed, 2 usage, 3 bad config/input, 4 Nix error, 5 needs attention, 6 rollout succeeded
with failures within its budget, 70 bug, 75 rollout incomplete (hosts unreachable; resume later),
130 interrupted (SIGINT), 143 terminated (SIGTERM).
Docs: docs/README.md`,
  );
  const parents = new Map<string, Command>();
  // Commander enters only commands the command line names, and `paved help CMD` prints CMD's help without entering
  // it: those are the commands that need their options.
  const named = options.argv === undefined ? undefined : new Set(ownArgs(options.argv));
  for (const definition of [...commands, complete]) {
    const full = !named || definition.name.split(" ").every((word) => named.has(word));
    definitions.set(attach(program, definition, parents, groups, full ? dispatch : undefined), definition);
  }
  for (const group of groups) group.description(`Subcommands: ${group.commands.map((c) => c.name()).join(", ")}`);
  for (const group of [program, ...groups]) makeGroup(group);
  for (const parent of parents.values()) if (parent.commands.length > 0) parent.hook("preSubcommand", addGlobals);
  program.hook("preSubcommand", addGlobals);
  return program;
}
