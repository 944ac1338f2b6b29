import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { foldJournal, listRollouts, readJournalFile, type RolloutHeader } from "@paved/rollout";

/** Throws when CI=true and a tool the rollout tests need is missing (they must fail, not skip, in CI). */
export function requireTools(...names: string[]): void {
  for (const name of names) {
    try {
      execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    } catch {
      throw new Error(`${name} is required for the rollout tests (scripts/setup.sh installs it)`);
    }
  }
}

export const TOOLS = ["nix", "nix-env", "ssh", "setsid"];

export const PAVED_BIN = fileURLToPath(new URL("../../../apps/cli/bin/paved.cjs", import.meta.url));

export interface PavedRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The --json progress events, in order. */
  events: Record<string, unknown>[];
  pid: number;
}

/**
 * Runs the real CLI (the bundle) with --json; `onEvent` sees each progress event as it arrives, with the child,
 * so a test can inject a fault or a signal at an exact step.
 */
export function runPaved(
  args: string[],
  onEvent?: (event: Record<string, unknown>, child: ChildProcess) => void,
): Promise<PavedRun> {
  const env = {
    ...process.env,
    NO_COLOR: "1",
    NIX_CONFIG: "substituters =\nexperimental-features = nix-command flakes",
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PAVED_BIN, ...args, "--json"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    const events: Record<string, unknown>[] = [];
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => {
      stderr += d;
      pending += d;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        try {
          const event = JSON.parse(line) as Record<string, unknown>;
          events.push(event);
          onEvent?.(event, child);
        } catch {
          // not an event
        }
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, events, pid: child.pid! }));
  });
}

/**
 * Rolls back every rollout in `dir` that a failed test left open (no outcome, or paused, and not rolled back), so
 * its leases and pending guards do not fail the tests after it as well. Returns what it settled and how.
 */
export async function settleOpenRollouts(dir: string): Promise<string[]> {
  const settled: string[] = [];
  for (const id of listRollouts(dir)) {
    let state: ReturnType<typeof foldJournal>;
    try {
      state = foldJournal(readJournalFile(dir, id).records);
    } catch {
      continue; // a journal a fault test broke on purpose; nothing reads it again
    }
    const open = (!state.outcome || state.outcome === "paused") && !state.rollback?.done;
    if (!open) continue;
    const rollback = await runPaved(["rollout", "rollback", id, "-C", dir]);
    settled.push(`${id}: rollback exited ${rollback.code}`);
  }
  return settled;
}

/** Runs a command as root (directly when paved's tests already run as root, else with `sudo -n`). */
export function asRoot(argv: string[]): void {
  const root = process.getuid?.() === 0;
  execFileSync(root ? argv[0]! : "sudo", root ? argv.slice(1) : ["-n", ...argv], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** A rollout header with no hosts and no waves, for tests of the journal format itself. */
export const EMPTY_HEADER = {
  type: "rollout" as const,
  at: "2026-01-01T00:00:00Z",
  id: "r1",
  flake: ".",
  mode: "switch" as const,
  hosts: [],
  waves: [],
  concurrency: 1,
  failureBudget: 0,
  healthTimeoutMs: 1,
  confirmTimeoutMs: 1,
  activationTimeoutMs: 1,
  substituteOnDestination: false,
  ssh: { options: [], connectTimeout: "10s" },
  healthChecks: [],
  retryMs: 100,
} satisfies RolloutHeader;
