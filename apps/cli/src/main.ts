import { CommanderError } from "commander";
import { asPavedError, formatError, useColor } from "./_output.ts";
import { EXIT, exitCodeFor } from "./_exit-codes.ts";
import { buildProgram, runArgv } from "./_program.ts";

const abort = new AbortController();
let interrupted = false;
process.on("SIGINT", () => {
  if (interrupted) process.exit(EXIT.interrupted);
  interrupted = true;
  abort.abort();
});

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
    process.exitCode = paved.code === "E_INTERNAL" ? EXIT.internal : exitCodeFor(paved);
  }
}

await main();
