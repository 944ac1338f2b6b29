/**
 * How a rollout stops when it must: interrupted (SIGINT/SIGTERM), or its journal can no longer be written (a
 * full disk, a read-only or immutable file, a lost lock). Interrupted: in-flight hosts are journaled `uncertain`
 * with the moment their guards decide, and the error names the exact command that continues. Journal broken:
 * nothing more can be journaled, so paved puts every host it was changing back on the generation the journal
 * names from its probe (taking the attempt's decision first, so it and the guard never both act) — or, for a host
 * it cannot reach, leaves it to its guard — before it reports the error.
 */
import { PavedError } from "@paved/core";
import { guardDeadline, inflight, type Inflight } from "./_host.ts";
import type { Journal, RolloutHeader } from "./_journal.ts";
import { HostAgent } from "./_remote.ts";
import { sshTarget } from "./_select.ts";

export interface StopOptions {
  signal?: AbortSignal;
}

/**
 * Runs `work` with a signal that aborts on the caller's signal and when the journal breaks, and turns either stop
 * into its documented error. `again` is the command that continues (`paved rollout resume ID`).
 */
export async function stoppable<T>(
  journal: Journal,
  header: RolloutHeader,
  options: StopOptions,
  again: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  journal.onBroken = (error) => stop.abort(error);
  try {
    return await work(stop.signal);
  } catch (error) {
    if (journal.broken) throw await salvaged(journal, header, journal.broken, again);
    if (options.signal?.aborted) throw interrupted(journal, header, options.signal.reason, again);
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    journal.onBroken = undefined;
  }
}

function signalName(reason: unknown): string {
  const details = (reason as { details?: { signal?: unknown } } | undefined)?.details;
  return typeof details?.signal === "string" ? details.signal : "an interrupt";
}

function interrupted(journal: Journal, header: RolloutHeader, reason: unknown, again: string): PavedError {
  const hosts = [...inflight(journal).values()];
  const deadline = guardDeadline(header);
  for (const host of hosts) {
    try {
      journal.append({
        type: "uncertain",
        at: new Date().toISOString(),
        host: host.host,
        attempt: host.attempt,
        reason: `paved was stopped by ${signalName(reason)}`,
        deadline,
      });
    } catch {
      // the journal broke too: the host's profile step already made it uncertain in the journal
    }
  }
  const mid = hosts.length
    ? ` ${hosts.map((h) => h.host).join(", ")} ${hosts.length === 1 ? "was" : "were"} mid-switch; ${hosts.length === 1 ? "its guard decides" : "their guards decide"} by ${deadline}.`
    : "";
  return new PavedError("E_ROLLOUT_INTERRUPTED", `Rollout ${header.id} stopped by ${signalName(reason)}.${mid}`, {
    hint: `Continue with \`${again}\` (\`paved rollout status ${header.id}\` shows where each host is).`,
    details: {
      id: header.id,
      signal: signalName(reason),
      resume: again,
      uncertain: hosts.map((h) => h.host),
      deadline: hosts.length ? deadline : undefined,
    },
  });
}

async function salvaged(
  journal: Journal,
  header: RolloutHeader,
  error: PavedError,
  again: string,
): Promise<PavedError> {
  const hosts = [...inflight(journal).values()];
  const restored: string[] = [];
  const confirmed: string[] = [];
  const toGuard: string[] = [];
  const stuck: string[] = [];
  await Promise.all(
    hosts.map(async (host) => {
      const outcome = await undo(header, host).catch(() => "guard" as const);
      ({ restored, confirmed, guard: toGuard, stuck })[outcome].push(host.host);
    }),
  );
  const parts = [
    restored.length ? `put back on their previous generation: ${restored.join(", ")}` : "",
    confirmed.length ? `already confirmed (on the new system): ${confirmed.join(", ")}` : "",
    toGuard.length
      ? `unreachable or already decided by their guards, which restore them by ${guardDeadline(header)}: ${toGuard.join(", ")}`
      : "",
    stuck.length
      ? `restoring the previous generation failed, see the agent logs in their state directories: ${stuck.join(", ")}`
      : "",
  ].filter(Boolean);
  return new PavedError(
    error.code,
    `${error.message}${parts.length ? ` Hosts mid-switch — ${parts.join("; ")}.` : ""}`,
    {
      hint: `${error.hint ?? ""} Then \`${again}\`.`.trim(),
      cause: error,
      details: {
        ...error.details,
        id: header.id,
        restored,
        confirmed,
        leftToGuard: toGuard,
        failedToRestore: stuck,
        resume: again,
      },
    },
  );
}

/** One host back on its probed generation, unless its attempt was already decided (confirmed, or by its guard). */
async function undo(header: RolloutHeader, host: Inflight): Promise<"restored" | "confirmed" | "guard" | "stuck"> {
  const entry = header.hosts.find((h) => h.name === host.host)!;
  const agent = new HostAgent(
    sshTarget(entry, header.ssh),
    { profile: entry.profile, stateDir: entry.stateDir },
    AbortSignal.timeout(header.activationTimeoutMs + 60_000),
  );
  const r = await agent.salvage(host.dir, host.before);
  if (r.decided === "salvage") return r.now.path === host.before.path && r.rc === 0 ? "restored" : "stuck";
  return r.decided === "confirm" ? "confirmed" : "guard";
}
