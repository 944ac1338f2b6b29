// The process's entry (bundled as dist/paved.cjs and started by bin/paved.cjs): signal handling, then one run of main.
import { PavedError } from "@paved/core/errors";
import { main } from "./main.ts";
import { installSignals } from "./_signals.ts";
import { commands } from "./registry.ts";

/** Runs `paved ARGV…` as the process and resolves to its exit code. */
export async function run(argv: string[]): Promise<number> {
  const stop = installSignals(
    (signal) => new PavedError("E_CANCELLED", `Interrupted by ${signal}`, { details: { signal } }),
  );
  return main(argv, { stop });
}

/** Whether `word` starts a command of paved's (bin/paved.cjs keeps a code cache only for those). */
export function isCommandWord(word: string): boolean {
  return commands.some((command) => command.name.split(" ")[0] === word);
}
