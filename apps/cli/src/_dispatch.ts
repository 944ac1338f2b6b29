/**
 * What a parsed command line runs: the handler, loaded on demand, with its context; its result printed as text,
 * or as JSON with --json. main.ts wires it to the process; tests may wire it to their own streams.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { PavedError } from "@paved/core/errors";
import type { CommandContext } from "./_context.ts";
import type { CommandDefinition } from "./_define.ts";
import { EXIT } from "./_exit-codes.ts";
import { paint, useColor } from "./_output.ts";
import type { Dispatch, GlobalOptions } from "./_program.ts";
import { findConfigRoot, OWN_DIRECTORY } from "./_root.ts";
import type { Stop } from "./_signals.ts";

export interface RunIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stop: Stop;
  /** Set to the handler's exit code. */
  exit: (code: number) => void;
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

function contextFor(
  definition: CommandDefinition,
  globals: GlobalOptions,
  stop: Stop,
  stderr: (text: string) => void,
): CommandContext {
  const cwd = checkedDir(globals.dir);
  const color = globals.color !== false && useColor(process.stderr);
  const json = globals.json === true;
  const quiet = globals.quiet === true;
  const dim = paint(color).dim;
  return {
    dir: OWN_DIRECTORY.has(definition.name) ? cwd : (findConfigRoot(cwd) ?? cwd),
    cwd,
    json,
    quiet,
    verbose: globals.verbose === true,
    color,
    progress: (line) => {
      if (!quiet && !json) stderr(`${dim(line)}\n`);
    },
    warn: (line) => stderr(`${line}\n`),
    event: (event) => {
      if (json) stderr(`${JSON.stringify(event)}\n`);
    },
    signal: stop.signal,
  };
}

export function privateStop(): Stop {
  return { signal: new AbortController().signal, stoppedBy: () => undefined, foreground: () => {} };
}

/** Loads the command's handler, runs it in its context and prints what it returns. */
export function runHandler(io: RunIO): Dispatch {
  return async (definition, input, globals) => {
    const ctx = contextFor(definition, globals, io.stop, io.stderr);
    if (definition.foreground) io.stop.foreground();
    const module = await definition.load();
    const output = await module.run(ctx, input);
    if (ctx.json) io.stdout(`${JSON.stringify(output.data, null, 2)}\n`);
    else if (output.text && !ctx.quiet) io.stdout(output.text.endsWith("\n") ? output.text : `${output.text}\n`);
    io.exit(output.exitCode ?? EXIT.ok);
  };
}
