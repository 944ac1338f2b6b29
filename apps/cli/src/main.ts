import { statSync } from "node:fs";
import { resolve } from "node:path";
import { PavedError } from "@paved/core/errors";
import { Command, CommanderError, Option } from "commander";
import { asPavedError, formatError, paint, useColor } from "./_output.ts";
import { EXIT, exitCodeFor } from "./_exit-codes.ts";
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

const abort = new AbortController();
/** The signal that stopped paved, if one did: SIGINT and SIGTERM stop a command the same way. */
let stoppedBy: NodeJS.Signals | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // A second signal means "now": running children get the abort's SIGTERM as paved exits.
    if (stoppedBy) process.exit(EXIT.interrupted + (signal === "SIGTERM" ? 13 : 0));
    stoppedBy = signal;
    abort.abort(new PavedError("E_CANCELLED", `Interrupted by ${signal}`, { details: { signal } }));
  });
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

function contextFor(program: Command): CommandContext {
  const globals = program.opts<GlobalOptions>();
  const color = useColor(process.stderr);
  const quiet = globals.quiet === true || globals.json === true;
  const dim = paint(color).dim;
  return {
    dir: checkedDir(globals.dir),
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
    signal: abort.signal,
  };
}

/** Groups that exist only as parents ("ci" of "ci init"); their help line lists what they hold. */
const implicitGroups = new Set<Command>();

function attach(program: Command, definition: CommandDefinition, parents: Map<string, Command>): void {
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
    const ctx = contextFor(program);
    const module = await definition.load();
    // optsWithGlobals: a flag a group command declares (`shell --nixpkgs`) also reaches its subcommands.
    const output = await module.run(ctx, self.args, self.optsWithGlobals());
    if (ctx.json) process.stdout.write(`${JSON.stringify(output.data, null, 2)}\n`);
    else if (output.text && !ctx.quiet) process.stdout.write(output.text.endsWith("\n") ? output.text : `${output.text}\n`);
    process.exitCode = output.exitCode ?? EXIT.ok;
  });
}

function buildProgram(): Command {
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

Exit codes: 0 ok, 1 failed, 2 usage, 3 bad config/input, 4 Nix error, 5 needs attention, 6 rollout succeeded\nwith failures within its budget, 70 bug, 75 rollout incomplete (hosts unreachable; resume later),\n130 interrupted (SIGINT), 143 terminated (SIGTERM).
Docs: docs/README.md`,
  );
  const parents = new Map<string, Command>();
  for (const definition of commands) attach(program, definition, parents);
  for (const group of implicitGroups) {
    group.description(`Subcommands: ${group.commands.map((c) => c.name()).join(", ")}`);
  }
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  const wantsJson = process.argv.includes("--json");
  const verbose = process.argv.includes("--verbose") || process.argv.includes("-v");
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      if (wantsJson && error.exitCode !== 0) {
        process.stdout.write(`${JSON.stringify({ error: { code: "E_USAGE", message: error.message.replace(/^error: /, "") } }, null, 2)}\n`);
      }
      return;
    }
    const paved = asPavedError(error);
    if (wantsJson) process.stdout.write(`${JSON.stringify({ error: paved.toJSON() }, null, 2)}\n`);
    process.stderr.write(`${formatError(paved, { color: useColor(process.stderr), verbose })}\n`);
    process.exitCode = paved.code === "E_INTERNAL" ? EXIT.internal : exitCodeFor(paved, stoppedBy);
  }
}

await main();
