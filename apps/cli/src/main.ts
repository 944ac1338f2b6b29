/**
 * `main(argv)`: one run of `paved`, in-process. It parses with commander (_program.ts), loads the command's handler,
 * prints its result (JSON with --json) and returns the exit code; errors are printed here and nowhere else. cli.ts
 * is the process's entry; tests call main directly, optionally with their own dispatch to see what a handler gets.
 */
import { CommanderError } from "commander";
import { privateStop, runHandler } from "./_dispatch.ts";
import { EXIT, exitCodeFor } from "./_exit-codes.ts";
import { asPavedError, formatError, useColor } from "./_output.ts";
import { buildProgram, ownArgs, runArgv, USAGE_HINT, usageMessage, type Dispatch } from "./_program.ts";
import type { Stop } from "./_signals.ts";

export interface MainOptions {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Signal handling of the process (cli.ts); in-process runs get a private, never-aborted one. */
  stop?: Stop;
  /** Replaces loading and running the handler (tests: what a command line turns into). */
  dispatch?: Dispatch;
}

/** Runs `paved ARGV…` (argv without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const stop = options.stop ?? privateStop();
  let exitCode: number = EXIT.ok;
  const run = runHandler({ stdout, stderr, stop, exit: (code) => (exitCode = code) });
  const program = buildProgram({ argv, dispatch: options.dispatch ?? run, writeOut: stdout, writeErr: stderr });
  // Only to shape an error that commander raised before any option was read.
  const own = ownArgs(argv);
  const wantsJson = own.includes("--json");
  const verbose = own.includes("--verbose") || own.includes("-v");
  try {
    await runArgv(program, argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode === 0) return EXIT.ok;
      if (wantsJson) {
        const message = usageMessage(error.message);
        stdout(
          `${JSON.stringify({ error: { code: "E_USAGE", message, hint: USAGE_HINT, commander: error.code } }, null, 2)}\n`,
        );
      }
      return EXIT.usage;
    }
    const paved = asPavedError(error);
    if (wantsJson) stdout(`${JSON.stringify({ error: paved.toJSON() }, null, 2)}\n`);
    stderr(`${formatError(paved, { color: useColor(process.stderr), verbose })}\n`);
    return paved.code === "E_INTERNAL" ? EXIT.internal : exitCodeFor(paved, stop.stoppedBy());
  }
}
