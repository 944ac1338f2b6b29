/** `paved rollout rollback ID`: every host the rollout touched goes back to the generation it had before. */
import { isPavedError, PavedError } from "@paved/core";
import { finish, rollbackHost, Unsettled, type RolloutEvent } from "./_host.ts";
import { Journal, readJournal } from "./_journal.ts";
import { agentsOf, hostRun, reconcileSafely, type RolloutResult } from "./_apply.ts";
import { takeLeases } from "./_lease.ts";
import { stoppable } from "./_stop.ts";
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
  const lost: string[] = [];
  try {
    await stoppable(journal, header, options, `paved rollout rollback ${options.id}`, async (signal) => {
      const options_ = { ...options, signal };
      journal.append({ type: "rollback", at: now(), phase: "begin" });
      options.onEvent?.({ type: "rollout", id: header.id, phase: "begin", message: "rollback", at: now() });
      const touched = Object.values(state.hosts).filter((h) => h.before && h.before.generation !== null);
      const leases = await takeLeases(
        header,
        agentsOf(
          header,
          touched.map((h) => h.name),
          options_,
        ),
        header.concurrency,
      );
      await pool(
        touched,
        header.concurrency,
        async (host) => {
          const run = hostRun(header, journal, host.name, host.target ?? "", options_);
          try {
            // A host caught mid-switch by an interruption is settled first, so its guard and we never both act.
            if (!host.outcome && host.lastStep) {
              const settled = await reconcileSafely(run, host);
              if (settled instanceof Unsettled) throw settled;
            }
            const now = await run.agent.probe();
            if (now.path === host.before!.path) {
              // Already back: a killed rollback's restore job finished on the host. The journal says so too.
              if (host.generation?.path !== now.path || host.uncertain) {
                finish(run, {
                  outcome: "rolled-back",
                  generation: { generation: now.generation, path: now.path },
                  message: "rollout rolled back (the host was already back)",
                });
              }
              return;
            }
            const result = await rollbackHost(
              run,
              host.attempt,
              `${run.agent.paths.stateDir}/${header.id}/${host.name}-rollback`,
              host.before!,
              "switch",
              "rolled-back",
              "rollout rolled back",
            );
            if (result.outcome !== "rolled-back") failed++;
          } catch (error) {
            if (signal.aborted) throw error;
            failed++;
            // Not reached: where it is stays open (journaled uncertain when it was mid-change); never guessed.
            if (error instanceof Unsettled) return void lost.push(host.name);
            // Unreachable before anything changed: the journal's outcome for it still holds.
            if (isPavedError(error, "E_ROLLOUT_UNREACHABLE")) return void lost.push(host.name);
            finish(run, {
              outcome: "failed",
              generation: host.generation ?? host.before!,
              message: `rollback failed: ${(error as Error).message}`,
            });
          }
        },
        () => false,
      ).catch((error) => {
        leases.abandon();
        throw error;
      });
      await leases.release();
      const outcome = failed === 0 ? "rolled-back" : "failed";
      journal.append({ type: "rollback", at: now(), phase: "end", outcome });
      options.onEvent?.({ type: "rollout", id: header.id, phase: "end", outcome, at: now() });
    });
  } finally {
    journal.close();
  }
  const after = foldJournal(readJournal(options.dir, options.id));
  if (failed > 0) {
    throw new PavedError(
      "E_ROLLOUT_ROLLBACK",
      `${failed} host(s) could not be rolled back${lost.length ? ` (not reached: ${lost.join(", ")})` : ""}.`,
      {
        hint: `See \`paved rollout status ${options.id}\`; run \`paved rollout rollback ${options.id}\` again once every host answers; docs/step-5-rollouts.md says how to roll a host back by hand.`,
        details: { id: options.id, unreachable: lost },
      },
    );
  }
  return {
    id: options.id,
    journal: journal.path,
    outcome: after.outcome ?? "rolled-back",
    state: after,
    ms: performance.now() - started,
  };
}
