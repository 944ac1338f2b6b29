// The `paved` program as commander sees it: global flags, the commands of registry.ts, and the screening every
// flag and argument passes before a handler is loaded. Separate from main.ts so it can run in-process.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { PavedError } from "@paved/core/errors";
import { assertNoSecret, unsafeCharacter } from "@paved/core/secrets";
import { Command, Option } from "commander";
import { paint, useColor } from "./_output.ts";
import { EXIT } from "./_exit-codes.ts";
import { findConfigRoot, OWN_DIRECTORY } from "./_root.ts";
import type { CommandContext } from "./_context.ts";
import type { CommandDefinition } from "./_define.ts";
import { commands } from "./registry.ts";
import pkg from "../package.json" with { type: "json" };

interface GlobalOptions {
  json?: boolean;
  dir?: string;
  quiet?: boolean;
  verbose?: boolean;
}

/** `--dir` must name an existing directory: otherwise every command fails later with a misleading error. */
function checkedDir(dir: string | undefined): string {
  const path = resolve(dir ?? process.cwd());
  if (dir === undefined) return path;
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // missing or unreadable: reported below
  }
  if (!isDir) {
    throw new PavedError("E_INPUT", `--dir ${dir}: no such directory`, {
      hint: "Check the path; create the directory first if you meant a new repository.",
      details: { dir: path },
    });
  }
  return path;
}

function contextFor(program: Command, signal: AbortSignal, command: string): CommandContext {
  const globals = program.opts<GlobalOptions>();
  const cwd = checkedDir(globals.dir);
  const color = useColor(process.stderr);
  const quiet = globals.quiet === true || globals.json === true;
  const dim = paint(color).dim;
  return {
    dir: OWN_DIRECTORY.has(command) ? cwd : findConfigRoot(cwd) ?? cwd,
    cwd,
    json: globals.json === true,
    quiet: globals.quiet === true,
    verbose: globals.verbose === true,
    color,
    progress: (line) => {
      if (!quiet) process.stderr.write(`${dim(line)}\n`);
    },
    warn: (line) => process.stderr.write(`${line}\n`),
    event: (event) => {
      if (globals.json === true) process.stderr.write(`${JSON.stringify(event)}\n`);
    },
    signal,
  };
}

/** A flag's or argument's value: no control, invisible or bidi characters, and no secret. */
function screenValue(value: string, label: string, name?: string): void {
  // Secrets first: a pasted private key has line breaks, and it must be reported as what it is.
  assertNoSecret(value, label, { entropy: !/\s/.test(value.trim()), ...(name === undefined ? {} : { name }) });
  const bad = unsafeCharacter(value);
  if (bad) {
    throw new PavedError("E_INPUT", `${label}: refused ${bad.name} (${bad.codePoint}) at character ${bad.index + 1}; nothing was written`, {
      hint: "Retype the value: it holds a character that does not show on screen (copied from a web page or chat?).",
      details: { label, codePoint: bad.codePoint },
    });
  }
}

/**
 * The raw command line, screened before commander reads it: commander's own messages (an invalid choice, an
 * unknown option) repeat the value they refuse. Values are named by the flag before them; everything after a
 * bare `--` is a command of the user's own (`paved shell -- CMD`) and is left alone.
 */
export function screenArgv(argv: readonly string[]): void {
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

/** Parses and runs `argv` (without node and the script), screened first. */
export async function runArgv(program: Command, argv: readonly string[]): Promise<void> {
  screenArgv(argv);
  await program.parseAsync([...argv], { from: "user" });
}

/**
 * Every flag and argument is screened before a handler is loaded, so a pasted token or a bidi override is
 * refused by name (`--url`, `NAME`) before anything is read, written or evaluated. `paved shell -- CMD` is
 * the one exception: CMD is the user's own command line, run as typed.
 */
function screenInput(definition: CommandDefinition, self: Command): void {
  const flags = new Map(self.options.map((option) => [option.attributeName(), option.long ?? option.short ?? option.name()]));
  for (const [key, value] of Object.entries(self.optsWithGlobals())) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === "string") screenValue(item, flags.get(key) ?? `--${key}`, key);
    }
  }
  if (definition.name === "shell") return;
  const names = self.registeredArguments.map((argument) => argument.name().toUpperCase());
  self.args.forEach((arg, index) => screenValue(arg, names[index] ?? `argument ${index + 1}`));
}

/** Groups that exist only as parents ("ci" of "ci init"); their help line lists what they hold. */
const implicitGroups = new Set<Command>();

function attach(program: Command, definition: CommandDefinition, parents: Map<string, Command>, signal: AbortSignal): void {
  const words = definition.name.split(" ");
  const leaf = words.pop()!;
  let parent = program;
  for (const [index, word] of words.entries()) {
    const key = words.slice(0, index + 1).join(" ");
    let group = parents.get(key);
    if (!group) {
      group = parent.command(word);
      implicitGroups.add(group);
      parents.set(key, group);
    }
    parent = group;
  }
  let command = parent.command(leaf).description(definition.summary);
  parents.set(definition.name, command);
  if (definition.examples?.length) {
    command.addHelpText("after", `\nExamples:\n${definition.examples.map((e) => `  $ ${e}`).join("\n")}\n`);
  }
  command = definition.configure ? definition.configure(command) : command;
  command.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    screenInput(definition, self);
    const ctx = contextFor(program, signal, definition.name);
    const module = await definition.load();
    // optsWithGlobals: a flag a group command declares (`shell --nixpkgs`) also reaches its subcommands.
    const output = await module.run(ctx, self.args, self.optsWithGlobals());
    if (ctx.json) process.stdout.write(`${JSON.stringify(output.data, null, 2)}\n`);
    else if (output.text && !ctx.quiet) process.stdout.write(output.text.endsWith("\n") ? output.text : `${output.text}\n`);
    process.exitCode = output.exitCode ?? EXIT.ok;
  });
}

/** The whole `paved` program: global flags, every command, input screening. main.ts runs it; tests can run it in-process. */
export function buildProgram(signal: AbortSignal = new AbortController().signal): Command {
  const program = new Command("paved")
    .description("From \"we should try Nix\" to NixOS fleets, one safe step at a time.")
    .version(pkg.version, "-V, --version")
    .option("--json", "print machine-readable JSON on stdout")
    .option("-C, --dir <path>", "run as if started in <path>")
    .option("-q, --quiet", "print only errors")
    .option("-v, --verbose", "print Nix output and stack traces on errors")
    .addOption(new Option("--no-color", "disable colours (or set NO_COLOR)").hideHelp())
    .showSuggestionAfterError(true)
    // Usage errors look like every other paved error: a code, the message, a hint.
    .configureOutput({
      outputError: (text, write) =>
        write(`error [E_USAGE] ${text.replace(/^error: /, "").trimEnd()}\nhint: see \`paved --help\` or \`paved COMMAND --help\`\n`),
    })
    .exitOverride();
  program.addHelpText(
    "after",
    `
Examples:
  $ paved doctor                  check Nix, flakes, git and direnv
  $ paved init --yes              detect toolchains, write paved.yaml, flake.nix and .envrc
  $ paved shell -- node --version run one command in the project's dev shell
  $ paved status                  where the team stands on the five-step path
  $ paved plan                    what to do next

Exit codes: 0 ok, 1 failed, 2 usage, 3 bad config/input, 4 Nix error, 5 needs attention, 6 rollout succeeded
with failures within its budget, 70 bug, 75 rollout incomplete (hosts unreachable; resume later),
130 interrupted (SIGINT), 143 terminated (SIGTERM).
Docs: docs/README.md`,
  );
  const parents = new Map<string, Command>();
  for (const definition of commands) attach(program, definition, parents, signal);
  for (const group of implicitGroups) {
    group.description(`Subcommands: ${group.commands.map((c) => c.name()).join(", ")}`);
  }
  return program;
}

