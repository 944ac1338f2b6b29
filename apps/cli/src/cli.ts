// The process's entry (bundled as dist/paved.mjs): signal handling, then one run of main.
import { PavedError } from "@paved/core/errors";
import { main } from "./main.ts";
import { installSignals } from "./_signals.ts";

const stop = installSignals(
  (signal) => new PavedError("E_CANCELLED", `Interrupted by ${signal}`, { details: { signal } }),
);
process.exitCode = await main(process.argv.slice(2), { stop });
