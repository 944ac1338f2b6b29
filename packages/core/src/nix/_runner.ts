import { exec, type ExecResult } from "../exec/_exec.ts";
import { PavedError } from "../errors.ts";
import { classifyNixFailure } from "./_errors.ts";

/** The oldest Nix paved supports: Debian 12's nix-bin. Flakes, `nix develop` and `print-dev-env --json` work there. */
export const MIN_NIX_VERSION = "2.8.0";

/** Passed on every call so a stock Nix, without flakes enabled in nix.conf, works. */
export const NIX_FEATURE_FLAGS = ["--extra-experimental-features", "nix-command flakes"] as const;

export interface NixOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Progress lines (builds, downloads) as Nix reports them. */
  onProgress?: (line: string) => void;
  /** Return the command that would run instead of running it. */
  dryRun?: boolean;
  /** Let nix use the terminal (interactive `nix develop`). */
  inherit?: boolean;
  input?: string;
  /** Kill nix when paved dies (see exec's dieWithParent). */
  dieWithParent?: boolean;
}

export interface NixCommand {
  argv: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export interface NixResult extends NixCommand {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The nix binary: `PAVED_NIX` when set (tests, unusual installs), else `nix` from PATH. */
export function nixBinary(): string {
  return process.env.PAVED_NIX || "nix";
}

export function nixCommand(args: readonly string[], options: Pick<NixOptions, "cwd" | "env"> = {}): NixCommand {
  return { argv: [nixBinary(), ...NIX_FEATURE_FLAGS, ...args], cwd: options.cwd, env: options.env };
}

function missingNix(): PavedError {
  return new PavedError("E_NIX_MISSING", "Nix is not installed or not on PATH.", {
    hint:
      "Install Nix: Debian/Ubuntu `sudo apt-get install nix-bin`, or the installer at https://nixos.org/download " +
      "(multi-user). Then open a new shell and run `paved doctor`.",
  });
}

async function spawnNix(command: NixCommand, options: NixOptions): Promise<ExecResult> {
  try {
    return await exec(command.argv, {
      cwd: command.cwd,
      env: command.env,
      signal: options.signal,
      input: options.input,
      inherit: options.inherit,
      dieWithParent: options.dieWithParent,
      onStderrLine: options.onProgress ? progressFilter(options.onProgress) : undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw missingNix();
    if (error instanceof PavedError && error.code === "E_CANCELLED") {
      throw new PavedError("E_NIX_CANCELLED", `Cancelled: ${command.argv.join(" ")}`, {
        details: { command: command.argv },
      });
    }
    throw error;
  }
}

/** Only lines that say what Nix is doing; warnings about dirty trees are noise while it works. */
function progressFilter(onProgress: (line: string) => void) {
  return (line: string) => {
    const text = line.trim();
    if (/^(building|copying|fetching|downloading|evaluating|these \d+|this derivation|unpacking)/i.test(text))
      onProgress(text);
  };
}

/**
 * Runs `nix ARGS…`. Throws a classified PavedError when nix exits non-zero. With `dryRun` it returns the command
 * and an empty result without starting anything.
 */
export async function runNix(args: readonly string[], options: NixOptions = {}): Promise<NixResult> {
  const command = nixCommand(args, options);
  if (options.dryRun) return { ...command, stdout: "", stderr: "", exitCode: 0 };
  await ensureNixVersion();
  const result = await spawnNix(command, options);
  if (result.exitCode !== 0) {
    throw classifyNixFailure({
      argv: command.argv,
      exitCode: result.exitCode,
      stderr: result.stderr,
      cwd: options.cwd,
    });
  }
  return { ...command, stdout: result.stdout, stderr: result.stderr, exitCode: 0 };
}

/** `nix ARGS… --json`, parsed. */
export async function nixJson<T = unknown>(args: readonly string[], options: NixOptions = {}): Promise<T> {
  const result = await runNix([...args, "--json"], options);
  if (options.dryRun) return undefined as T;
  try {
    return JSON.parse(result.stdout) as T;
  } catch (cause) {
    throw new PavedError("E_NIX_FAILED", `nix printed output that is not JSON: ${result.stdout.slice(0, 200)}`, {
      hint: "This is a bug in paved or an unexpected Nix version; run `paved doctor`.",
      cause,
      details: { command: result.argv },
    });
  }
}

export interface NixVersion {
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** "Nix" or a fork such as "Lix" or "Determinate Nix". */
  flavour: string;
}

export function parseNixVersion(text: string): NixVersion | undefined {
  const match = /\(([^)]+)\)\s+(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  const [major, minor, patch] = [Number(match[2]), Number(match[3]), Number(match[4] ?? 0)];
  return { version: `${major}.${minor}.${patch}`, major, minor, patch, flavour: match[1]! };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

let versionCheck: Promise<NixVersion> | undefined;
let versionCheckedFor: string | undefined;

/** `nix --version`, asked once per process and per nix binary. */
export function nixVersion(): Promise<NixVersion> {
  const binary = nixBinary();
  if (!versionCheck || versionCheckedFor !== binary) {
    versionCheckedFor = binary;
    versionCheck = (async () => {
      const result = await spawnNix({ argv: [binary, "--version"] }, {});
      const parsed = parseNixVersion(result.stdout);
      if (result.exitCode !== 0 || !parsed) {
        throw new PavedError(
          "E_NIX_FAILED",
          `\`${binary} --version\` did not say which Nix it is: ${result.stdout}${result.stderr}`.trim(),
          {
            hint: "Check the Nix installation, then run `paved doctor`.",
          },
        );
      }
      return parsed;
    })();
    versionCheck.catch(() => {
      versionCheck = undefined;
    });
  }
  return versionCheck;
}

/**
 * Tells the runner which version the current nix binary is, when the caller knows it for certain (paved shell keeps
 * it per binary identity: real path, size, mtime), so the cold path of `paved shell` runs one Nix process, not two.
 */
export function rememberNixVersion(version: NixVersion): void {
  versionCheckedFor = nixBinary();
  versionCheck = Promise.resolve(version);
}

export async function ensureNixVersion(): Promise<NixVersion> {
  const version = await nixVersion();
  if (compareVersions(version.version, MIN_NIX_VERSION) < 0) {
    throw new PavedError(
      "E_NIX_TOO_OLD",
      `Nix ${version.version} is too old; paved needs ${MIN_NIX_VERSION} or newer.`,
      {
        hint: "Upgrade Nix (https://nixos.org/download), then run `paved doctor`.",
        details: { found: version.version, required: MIN_NIX_VERSION },
      },
    );
  }
  return version;
}
