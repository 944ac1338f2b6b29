import { CommanderError } from "commander";
import { PavedError } from "@paved/core/errors";
import { asPavedError, formatError, useColor } from "./_output.ts";
import { EXIT, exitCodeFor } from "./_exit-codes.ts";
import { buildProgram, runArgv } from "./_program.ts";

const abort = new AbortController();
/** The signal that stopped paved, if one did: SIGINT and SIGTERM stop a command the same way. */
let stoppedBy: NodeJS.Signals | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // A second signal means "now": running children get the abort's SIGTERM as paved exits.
    if (stoppedBy) process.exit(signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted);
    stoppedBy = signal;
    abort.abort(new PavedError("E_CANCELLED", `Interrupted by ${signal}`, { details: { signal } }));
  });
}

async function main(): Promise<void> {
  const program = buildProgram(abort.signal);
  const wantsJson = process.argv.includes("--json");
  const verbose = process.argv.includes("--verbose") || process.argv.includes("-v");
  try {
    await runArgv(program, process.argv.slice(2));
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
