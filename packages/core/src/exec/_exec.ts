import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { PavedError } from "../errors.ts";
import { assertNoSecret } from "../secrets/index.ts";

export interface ExecOptions {
  cwd?: string;
  /** Merged over process.env; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  input?: string;
  signal?: AbortSignal;
  /** Called with each complete stderr line as it arrives. */
  onStderrLine?: (line: string) => void;
  /** Let the child use the terminal directly (interactive shells). Output is then not captured. */
  inherit?: boolean;
  /**
   * The child is killed (SIGKILL) when paved dies, even by SIGKILL, so it cannot act after paved is gone (Linux:
   * util-linux `setpriv --pdeathsig`; elsewhere, or without setpriv, the child is started as it is).
   */
  dieWithParent?: boolean;
}

let setpriv: string | null | undefined;

/** util-linux setpriv, if this is Linux and it is installed. */
function setprivPath(): string | null {
  if (setpriv !== undefined) return setpriv;
  setpriv = null;
  if (process.platform !== "linux") return setpriv;
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/bin", "/bin"])) {
    if (dir && existsSync(`${dir}/setpriv`)) return (setpriv = `${dir}/setpriv`);
  }
  return setpriv;
}

/** argv wrapped so the kernel kills the program when its parent (paved) dies. */
function dyingWithParent(argv: readonly string[]): string[] {
  const wrapper = setprivPath();
  return wrapper ? [wrapper, "--pdeathsig", "KILL", "--", ...argv] : [...argv];
}

export interface ExecResult {
  argv: string[];
  exitCode: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function mergeEnv(extra: ExecOptions["env"]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Runs a program with an argv array (never through a shell). Resolves with the exit code instead of throwing on
 * a non-zero exit, so callers can classify failures; rejects only when the program cannot be started or is aborted.
 */
export function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = options.dieWithParent ? dyingWithParent(argv) : argv;
  if (!file) throw new PavedError("E_USAGE", "exec needs a program to run");
  // Command lines are visible to every user of the machine (ps, /proc); a credential must come from a file.
  argv.forEach((arg, index) => assertNoSecret(arg, `the command line of ${file} (argument ${index})`));
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(cancelled(argv));
      return;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: mergeEnv(options.env),
      stdio: options.inherit ? "inherit" : ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let pending = "";
    const onAbort = () => child.kill("SIGTERM");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      err.push(chunk);
      if (!options.onStderrLine) return;
      pending += chunk.toString("utf8");
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        options.onStderrLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    if (child.stdin) {
      child.stdin.on("error", () => {});
      child.stdin.end(options.input ?? "");
    }
    child.on("error", (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", onAbort);
      if (pending && options.onStderrLine) options.onStderrLine(pending);
      if (options.signal?.aborted) {
        reject(cancelled(argv));
        return;
      }
      resolve({
        argv: [...argv],
        exitCode: code ?? (signal ? 128 : 1),
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

function cancelled(argv: readonly string[]): PavedError {
  return new PavedError("E_CANCELLED", `Cancelled: ${argv.join(" ")}`, { details: { command: [...argv] } });
}

/** Last `count` non-empty lines of a program's output, for error messages. */
export function tail(text: string, count = 20): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-count)
    .join("\n");
}
