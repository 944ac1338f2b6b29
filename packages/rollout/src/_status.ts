/**
 * What the journals say, for `paved rollout status`, `paved status` (step 5) and the report page: rollouts
 * with their waves, failures, rollbacks and timestamps.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { StepReport } from "@paved/core";
import { loadRolloutInputs } from "./_config.ts";
import { listRollouts, readJournal, type Generation, type HostOutcome } from "./_journal.ts";
import { pool } from "./_pool.ts";
import { sshTarget } from "./_select.ts";
import { runRemote } from "./_ssh.ts";
import { FAILED, foldJournal, type RolloutState } from "./_state.ts";

export interface RolloutSummary {
  id: string;
  startedAt: string;
  endedAt?: string;
  /**
   * "running" when the journal has no end: paved is still at it, or was stopped and can be resumed; "incomplete"
   * when, besides, hosts are journaled uncertain (paved lost them; the next resume that reaches them settles them).
   */
  outcome: RolloutState["outcome"] | "running" | "incomplete";
  mode: string;
  hosts: number;
  counts: Partial<Record<HostOutcome | "pending", number>>;
  waves: { name: string; hosts: string[]; state: string; failed: number; startedAt?: string; endedAt?: string }[];
  failures: { host: string; outcome: HostOutcome; message?: string; at?: string }[];
  rollbacks: { host: string; at?: string; message?: string }[];
  /** Hosts paved lost mid-change: on one of `paths`; with a guard armed, it decides by `deadline`. */
  uncertain: { host: string; reason: string; at: string; paths: string[]; deadline?: string }[];
  resumes: number;
  message?: string;
}

export function summarize(state: RolloutState): RolloutSummary {
  const counts: RolloutSummary["counts"] = {};
  for (const host of Object.values(state.hosts)) {
    const key = host.outcome ?? "pending";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const hosts = Object.values(state.hosts);
  return {
    id: state.id,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    outcome: state.outcome ?? (hosts.some((h) => h.unsettled) ? "incomplete" : "running"),
    mode: state.header.mode,
    hosts: hosts.length,
    counts,
    waves: state.waves.map((w) => ({
      name: w.name,
      hosts: w.hosts,
      state: w.state,
      failed: w.failed,
      startedAt: w.startedAt,
      endedAt: w.endedAt,
    })),
    failures: hosts
      .filter((h) => h.outcome && FAILED.has(h.outcome))
      .map((h) => ({ host: h.name, outcome: h.outcome!, message: h.message, at: h.endedAt })),
    rollbacks: hosts
      .filter((h) => h.outcome === "rolled-back")
      .map((h) => ({ host: h.name, at: h.endedAt, message: h.message })),
    uncertain: hosts.filter((h) => h.unsettled).map((h) => ({ host: h.name, ...h.unsettled! })),
    resumes: state.resumes,
    message: state.message,
  };
}

/** Every rollout journal of the repository, oldest first, summarized. */
export function readRollouts(dir: string): RolloutSummary[] {
  return listRollouts(dir).map((id) => summarize(foldJournal(readJournal(dir, id))));
}

export function rolloutState(dir: string, id: string): RolloutState {
  return foldJournal(readJournal(dir, id));
}

/**
 * Step 5 for `paved status`: have changes reached the fleet through rollouts, and is anything left hanging?
 * The fleet is `hosts` when given, else the hosts of paved.yaml.
 */
export async function rolloutStatus(options: { dir: string; hosts?: string[] }): Promise<StepReport> {
  const hosts =
    options.hosts ??
    (existsSync(join(options.dir, "paved.yaml"))
      ? (await loadRolloutInputs(options.dir)).hosts.map((h) => h.name)
      : undefined);
  return stepReport({ dir: options.dir, hosts });
}

function stepReport(options: { dir: string; hosts?: string[] }): StepReport {
  const rollouts = existsSync(join(options.dir, ".paved", "rollouts")) ? readRollouts(options.dir) : [];
  const report: StepReport = {
    step: 5,
    title: "Image-based rollouts",
    state: "not-started",
    evidence: [],
    drift: [],
    next: [],
  };
  if (rollouts.length === 0) {
    report.next.push({
      step: 5,
      title: "Roll out to the fleet in waves, canary first",
      command: "paved rollout plan && paved rollout apply",
    });
    return report;
  }
  const last = rollouts.at(-1)!;
  const succeeded = rollouts.filter((r) => r.outcome === "succeeded");
  const deployedHosts = new Set<string>();
  for (const id of listRollouts(options.dir)) {
    const state = foldJournal(readJournal(options.dir, id));
    for (const host of Object.values(state.hosts))
      if (host.outcome === "deployed" || host.outcome === "unchanged") deployedHosts.add(host.name);
  }
  const fleet = options.hosts ?? [...deployedHosts];
  report.evidence.push({
    text: `Rollouts: ${rollouts.length} recorded, ${succeeded.length} succeeded`,
    done: succeeded.length,
    total: rollouts.length,
  });
  report.evidence.push({
    text: `Last rollout ${last.id}: ${last.outcome}, ${last.counts.deployed ?? 0} deployed, ${last.failures.length} failed, ${last.rollbacks.length} rolled back`,
    items: last.failures.map((f) => `${f.host}: ${f.outcome}`),
  });
  const lastState = foldJournal(readJournal(options.dir, last.id));
  if (lastState.header.cache) {
    // Proven by the journal: what the last rollout pushed to the team cache and what it still had to send hosts.
    const { cache, hosts } = lastState.bytesSent;
    report.evidence.push({
      text: `Team cache: the last rollout pushed ${formatSize(cache)} to it once; hosts substituted from it, ${formatSize(hosts)} sent to them directly`,
      done: 1,
      total: 1,
    });
  }
  const reached = fleet.filter((h) => deployedHosts.has(h));
  report.evidence.push({
    text: `Hosts reached by a rollout: ${reached.length} of ${fleet.length}`,
    done: reached.length,
    total: fleet.length,
    items: reached,
  });
  for (const host of fleet.filter((h) => !deployedHosts.has(h))) {
    report.drift.push({
      kind: "never-deployed",
      subject: host,
      message: `${host} has never been deployed by a rollout`,
      fix: `paved rollout apply --host ${host}`,
    });
  }
  for (const r of rollouts.filter(
    (r) => r.outcome === "running" || r.outcome === "paused" || r.outcome === "incomplete",
  )) {
    report.drift.push({
      kind: "interrupted-rollout",
      subject: r.id,
      message: `Rollout ${r.id} did not finish (${r.outcome})`,
      fix: `paved rollout resume ${r.id}`,
    });
  }
  report.state =
    succeeded.length > 0 && reached.length === fleet.length && report.drift.length === 0 ? "done" : "in-progress";
  if (report.drift.length > 0)
    report.next.push({ step: 5, title: report.drift[0]!.message, command: report.drift[0]!.fix });
  else if (report.state !== "done")
    report.next.push({
      step: 5,
      title: "Roll the current configuration out to every host",
      command: "paved rollout apply",
    });
  return report;
}

export interface HostCheck {
  host: string;
  /** What the journal says: the generation, or for a host caught mid-switch, the previous one and the target. */
  journal: { generation?: Generation; uncertain: boolean; before?: Generation; target?: string };
  /** Who took the decision on the host for the last attempt (`decided/by`), if anyone. */
  decided: string;
  actual?: Generation;
  /** The host is where the journal (and, mid-switch, its decided/by file) says. */
  agrees: boolean;
  /** Mid-switch, undecided, still on the target: its guard has not fired yet. */
  settling: boolean;
  /** The rollout never changed this host (skipped before its profile step): there is nothing to compare. */
  untouched: boolean;
  error?: string;
}

/**
 * `paved rollout status ID --probe`: asks every host of a rollout (read-only, over SSH) which generation it is
 * on and who decided its last attempt, and says whether that is what the journal names.
 */
export async function probeRollout(options: { dir: string; id: string; signal?: AbortSignal }): Promise<HostCheck[]> {
  const state = rolloutState(options.dir, options.id);
  const header = state.header;
  const checks: HostCheck[] = [];
  await pool(
    Object.values(state.hosts),
    header.concurrency,
    async (host) => {
      const entry = header.hosts.find((h) => h.name === host.name)!;
      const ssh = sshTarget(entry, header.ssh);
      const dir = `${entry.stateDir}/${header.id}/${host.name}-a${host.attempt}`;
      const check: HostCheck = {
        host: host.name,
        journal: { generation: host.generation, uncertain: host.uncertain, before: host.before, target: host.target },
        decided: "",
        agrees: false,
        settling: false,
        untouched: false,
      };
      checks.push(check);
      const script = 'readlink "$1"; readlink -f "$1"; cat "$2/decided/by" 2>/dev/null || true';
      const r = await runRemote(ssh, ["sh", "-c", script, "paved-probe", entry.profile, dir], {
        signal: options.signal,
        timeoutMs: 60_000,
      });
      if (r.exitCode !== 0) {
        check.error = r.unreachable ? `SSH failed: ${r.stderr.trim()}` : r.stderr.trim();
        return;
      }
      const [link = "", path = "", decided = ""] = r.stdout.split("\n");
      const gen = /-(\d+)-link$/.exec(link);
      check.actual = { generation: gen ? Number(gen[1]) : null, path };
      check.decided = decided.trim();
      // Never touched: the journal names no generation (path "") or only the one probed before any change.
      check.untouched =
        !host.uncertain &&
        host.setGeneration === undefined &&
        !host.lastStep?.step.match(/^(profile|activate|boot|rollback|confirm|health)$/) &&
        (host.generation?.path ?? "") === (host.before?.path ?? "");
      const expected = !host.uncertain
        ? host.generation?.path
        : check.decided === "confirm"
          ? host.target
          : host.before?.path;
      if (check.untouched) check.agrees = true;
      else if (host.unsettled) check.agrees = host.unsettled.paths.includes(path);
      else check.agrees = !expected || expected === path;
      check.settling = !check.agrees && host.uncertain && check.decided === "" && path === host.target;
    },
    () => false,
  );
  return Object.keys(state.hosts).map((name) => checks.find((c) => c.host === name)!);
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${bytes} B`;
}
