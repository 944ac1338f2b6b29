import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { useScratch } from "../fixtures/scratch.ts";

/**
 * CLI tests run the real bundled `paved`; bundle it once from the current sources (about a second). Every temp
 * dir of the run goes under one scratch directory, removed at the end (fixtures/scratch.ts).
 */
export default function setup(): () => void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../apps/cli/build.mjs", import.meta.url))], {
    stdio: "inherit",
  });
  return useScratch();
}
