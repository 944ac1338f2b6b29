/**
 * `pnpm bench`: every benchmark of paved, each printed as a ratio measured side by side in this one run.
 * Add a benchmark by exporting a function that returns its lines and listing it here.
 */
import { benchBaseline } from "./baseline.ts";
import { benchStartup } from "./startup.ts";
import { benchDevshellScan } from "./devshell-scan.ts";
import { benchDevshellInit } from "./devshell-init.ts";
import { benchDevshellShell } from "./devshell-shell.ts";
import { benchDevshellDirenv } from "./devshell-direnv.ts";
import { benchRollout } from "./rollout.ts";
import { benchRolloutCache } from "./rollout-cache.ts";
import { useScratch } from "../fixtures/scratch.ts";

const only = process.argv.slice(2);
const benches: [string, () => string[] | Promise<string[]>][] = [
  ["startup", benchStartup],
  ["devshell-scan", benchDevshellScan],
  ["devshell-init", benchDevshellInit],
  ["devshell-shell", benchDevshellShell],
  ["devshell-direnv", benchDevshellDirenv],
  ["baseline", benchBaseline],
  ["rollout", benchRollout],
  // Also run by `pnpm bench rollout`: bytes per rollout with and without the team cache.
  ["rollout-cache", benchRolloutCache],
];

// Fleets and checkouts are made in the temp dir and not all removed by their benchmark: the run's own, removed at
// the end (fixtures/scratch.ts).
const removeScratch = useScratch();
try {
  for (const [name, bench] of benches) {
    if (only.length > 0 && !only.includes(name) && !(name === "rollout-cache" && only.includes("rollout"))) continue;
    for (const line of await bench()) console.log(line);
  }
} finally {
  removeScratch();
}
