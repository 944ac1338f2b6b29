/**
 * Rollout history for status and the report: every journal under .paved/rollouts, read one by one so a damaged
 * journal is reported and the others still count. A torn last line (paved killed mid-write) is ignored by the
 * reader (the rollout package's one definition: bytes after the last newline); it is still worth a person's look,
 * so it is reported too.
 */
import { FAILED, foldJournal, journalPath, listRollouts, readJournalFile, summarize } from "@paved/rollout";
import { relative } from "node:path";
import { isPavedError } from "@paved/core";
import type { JournalRead, RolloutSummary } from "./_types.ts";

export async function readJournals(dir: string): Promise<JournalRead> {
  const out: JournalRead = { rollouts: [], problems: [] };
  for (const id of listRollouts(dir)) {
    const file = journalPath(dir, id);
    let summary: RolloutSummary;
    let torn: number | undefined;
    try {
      const read = readJournalFile(dir, id);
      torn = read.torn?.line;
      const state = foldJournal(read.records);
      const s = summarize(state);
      summary = {
        id: s.id,
        startedAt: s.startedAt,
        ...(s.endedAt ? { endedAt: s.endedAt } : {}),
        outcome: s.outcome ?? "running",
        ...(s.message ? { message: s.message } : {}),
        waves: s.waves.map((w) => ({ name: w.name, hosts: w.hosts, state: w.state, failed: w.failed })),
        hosts: Object.values(state.hosts).map((h) => ({
          host: h.name,
          outcome: h.outcome ?? "pending",
          wave: h.wave,
          ...(h.message ? { message: h.message } : {}),
        })),
        failures: Object.values(state.hosts).filter((h) => h.outcome && FAILED.has(h.outcome)).length,
        rolledBack:
          state.rollback !== undefined || s.rollbacks.length > 0 || s.waves.some((w) => w.state === "rolled-back"),
        resumes: s.resumes,
      };
    } catch (error) {
      out.problems.push({
        subject: id,
        message: `rollout journal ${relative(dir, file)}: ${isPavedError(error) ? error.message : (error as Error).message}`,
        fix:
          isPavedError(error) && error.hint ? error.hint : "Inspect the journal; the other rollouts are still counted.",
      });
      continue;
    }
    out.rollouts.push(summary);
    if (torn !== undefined) {
      out.problems.push({
        subject: id,
        message: `rollout journal ${relative(dir, file)}:${torn}: the last line is truncated (paved stopped mid-write); it was ignored, the rest was read`,
        fix: `Check the hosts of rollout ${id} with \`paved rollout status ${id}\`, then \`paved rollout resume ${id}\`.`,
      });
    }
  }
  return out;
}
