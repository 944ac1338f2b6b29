/**
 * The invariants every rollout test and the chaos runs check: the journal can be read (no corrupt record; at most a
 * torn tail, which the next writer cuts), and every host is on a generation the journal allows — the one it names,
 * or for a host mid-switch the previous one or the target, as the host's decided/by file says once decided (either
 * while the host's own restore job for that attempt is still running).
 */
import { existsSync, readFileSync } from "node:fs";
import { foldJournal, readJournalFile, type HostState } from "@paved/rollout";
import type { Fleet } from "../../../fixtures/rollout/fleet.ts";

export interface Violation {
  host: string;
  actual: string;
  allowed: string[];
  decided: string;
  why: string;
}

const attemptDir = (fleet: Fleet, id: string, host: HostState) =>
  `${fleet.hosts.find((h) => h.name === host.name)!.stateDir}/${id}/${host.name}-a${host.attempt}`;

export function decidedBy(fleet: Fleet, id: string, host: HostState): string {
  const file = `${attemptDir(fleet, id, host)}/decided/by`;
  return existsSync(file) ? readFileSync(file, "utf8").trim() : "";
}

/** The host's own restore job for the attempt has started and not finished: the host is between the two. */
function restoring(fleet: Fleet, id: string, host: HostState): boolean {
  const dir = attemptDir(fleet, id, host);
  return existsSync(`${dir}/rollback.pid`) && !existsSync(`${dir}/rollback.rc`);
}

/**
 * Where each host may be, from the journal. `initial` is each host's path before the rollout (for hosts the
 * journal never probed). With `settled`, a host mid-switch must already be decided (no guard still pending).
 */
export function violations(
  fleet: Fleet,
  id: string,
  initial: Record<string, string>,
  options: { settled?: boolean } = {},
): Violation[] {
  const state = foldJournal(readJournalFile(fleet.dir, id).records);
  const out: Violation[] = [];
  for (const host of Object.values(state.hosts)) {
    const actual = fleet.inspect(host.name).path;
    const named = host.generation?.path || host.before?.path || initial[host.name]!;
    const decided = decidedBy(fleet, id, host);
    let allowed = [named];
    if (host.unsettled) allowed = host.unsettled.paths;
    else if (host.uncertain) {
      const candidates = [named, host.before?.path, host.target].filter((p): p is string => !!p);
      allowed = decided === "confirm" ? [host.target!] : decided ? [host.before?.path ?? named] : candidates;
      if (decided === "confirm" && host.lastStep?.step === "rollback") allowed = candidates;
      if (decided && decided !== "confirm" && restoring(fleet, id, host)) allowed = candidates;
    }
    if (!allowed.includes(actual))
      out.push({ host: host.name, actual, allowed, decided, why: "not on a generation the journal allows" });
    else if (options.settled && host.uncertain && !host.unsettled && !decided && host.armed) {
      out.push({ host: host.name, actual, allowed, decided, why: "mid-switch and still undecided" });
    }
  }
  return out;
}
