/** `paved rollout rollback ID`: every host the rollout touched goes back to the generation it had before. */
import { PavedError } from "@paved/core";
import { finish, reconcileHost, rollbackHost, type RolloutEvent } from "./_host.ts";
import { Journal, readJournal } from "./_journal.ts";
import { hostRun, type RolloutResult } from "./_apply.ts";
import { pool } from "./_pool.ts";
import { foldJournal } from "./_state.ts";

export interface RollbackOptions {
  dir: string;
  id: string;
  onEvent?: (event: RolloutEvent) => void;
  signal?: AbortSignal;
}

const now = () => new Date().toISOString();

export async function rollbackRollout(options: RollbackOptions): Promise<RolloutResult> {
  const started = performance.now();
  const state = foldJournal(readJournal(options.dir, options.id));
  const header = state.header;
  const journal = Journal.open(options.dir, options.id, false);
  let failed = 0;
  try {
    journal.append({ type: "rollback", at: now(), phase: "begin" });
    options.onEvent?.({ type: "rollout", id: header.id, phase: "begin", message: "rollback", at: now() });
    const touched = Object.values(state.hosts).filter((h) => h.before && h.before.generation !== null);
    await pool(touched, header.concurrency, async (host) => {
      const run = hostRun(header, journal, host.name, host.target ?? "", options);
      try {
        // A host caught mid-switch by an interruption is settled first, so its guard and we never both act.
        if (!host.outcome && host.lastStep) await reconcileHost(run, host);
        const now = await run.agent.probe();
        if (now.path === host.before!.path) return;
        const result = await rollbackHost(run, host.attempt, `${run.agent.paths.stateDir}/${header.id}/${host.name}-rollback`, host.before!, "switch", "rolled-back", "rollout rolled back");
        if (result.outcome !== "rolled-back") failed++;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        failed++;
        finish(run, { outcome: "failed", generation: host.generation ?? host.before!, message: `rollback failed: ${(error as Error).message}` });
      }
    }, () => false);
    const outcome = failed === 0 ? "rolled-back" : "failed";
    journal.append({ type: "rollback", at: now(), phase: "end", outcome });
    options.onEvent?.({ type: "rollout", id: header.id, phase: "end", outcome, at: now() });
  } finally {
    journal.close();
  }
  const after = foldJournal(readJournal(options.dir, options.id));
  if (failed > 0) {
    throw new PavedError("E_ROLLOUT_ROLLBACK", `${failed} host(s) could not be rolled back.`, {
      hint: `See \`paved rollout status ${options.id}\`; docs/step-5-rollouts.md says how to roll a host back by hand.`,
      details: { id: options.id },
    });
  }
  return { id: options.id, journal: journal.path, outcome: after.outcome ?? "rolled-back", state: after, ms: performance.now() - started };
}
