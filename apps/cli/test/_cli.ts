import { runProgram, type ProgramRun } from "@paved/fixtures";
import { fileURLToPath } from "node:url";

export const pavedBin = fileURLToPath(new URL("../bin/paved.cjs", import.meta.url));

export type PavedRun = ProgramRun;

/** Runs the bundled `paved` binary as a user would. */
export function paved(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<PavedRun> {
  return runProgram([process.execPath, pavedBin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    input: options.input,
  });
}
