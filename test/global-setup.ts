import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeScratch, removeScratch } from "../fixtures/scratch.ts";

/**
 * CLI tests run the real bundled `paved`; bundle it once from the current sources (about a second). Every temp
 * dir of the run goes under one scratch directory, removed at the end (fixtures/scratch.ts).
 */
export default function setup(): () => void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../apps/cli/build.mjs", import.meta.url))], {
    stdio: "inherit",
  });
  const scratch = makeScratch();
  process.env.TMPDIR = scratch.tmp;
  process.env.PAVED_TEST_DISK_TMP = scratch.diskTmp;
  return () => removeScratch(scratch);
}
