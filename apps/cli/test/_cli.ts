import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const pavedBin = fileURLToPath(new URL("../bin/paved.mjs", import.meta.url));

export interface PavedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bundled `paved` binary as a user would. */
export function paved(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<PavedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pavedBin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
