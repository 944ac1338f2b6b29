/**
 * SIGINT and SIGTERM, handled in this one place for the whole process (the CLI's entry and the warm shell path
 * both call installSignals). The first signal aborts the running command so nix/ssh children stop; a second one
 * means "now". A command whose child owns the terminal (the dev shell) hands Ctrl-C over with foreground(): the
 * terminal delivers it to the child as well, and the child decides. No imports beyond node's: the warm shell path
 * bundles this file.
 */
import { EXIT } from "./_exit-codes.ts";

export interface Stop {
  signal: AbortSignal;
  /** The signal that stopped paved, if one did. */
  stoppedBy(): NodeJS.Signals | undefined;
  /** From now on Ctrl-C belongs to the child on the terminal; SIGTERM still stops paved. */
  foreground(): void;
}

// Shared through the global object: the warm shell path and the full CLI are two bundles in one process.
const INSTALLED = Symbol.for("paved.signals");

function isStop(value: unknown): value is Stop {
  return typeof value === "object" && value !== null && "foreground" in value && "signal" in value;
}

/** `reason` builds the abort reason (the CLI's PavedError); installing twice returns the first installation. */
export function installSignals(
  reason: (signal: NodeJS.Signals) => unknown = (signal) => new Error(`Interrupted by ${signal}`),
): Stop {
  const existing: unknown = Reflect.get(globalThis, INSTALLED);
  if (isStop(existing)) return existing;
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  let childOwnsTerminal = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (signal === "SIGINT" && childOwnsTerminal) return;
      // A second signal means "now": running children get the abort's SIGTERM as paved exits.
      if (stoppedBy) process.exit(signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted);
      stoppedBy = signal;
      abort.abort(reason(signal));
    });
  }
  const stop: Stop = {
    signal: abort.signal,
    stoppedBy: () => stoppedBy,
    foreground: () => {
      childOwnsTerminal = true;
    },
  };
  Reflect.set(globalThis, INSTALLED, stop);
  return stop;
}
