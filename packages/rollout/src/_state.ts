/** Folds a journal into what happened: per host, per wave, and for the rollout as a whole. */
import type { Generation, HostOutcome, JournalRecord, RolloutHeader, RolloutOutcome, StepName } from "./_journal.ts";

export interface HostState {
  name: string;
  wave: number;
  attempt: number;
  before?: Generation;
  target?: string;
  /** Generation number the new system got in the profile (this attempt). */
  setGeneration?: number;
  armed: boolean;
  confirmed: boolean;
  lastStep?: { step: StepName; phase: "begin" | "end" | "fail"; at: string; error?: string };
  outcome?: HostOutcome;
  message?: string;
  /** The generation the journal says the host is on. */
  generation?: Generation;
  /**
   * True when paved stopped mid-switch: the host is on `generation` if the guard wins, or on the target if
   * paved's confirmation reached it first (the host's decided/by file says which).
   */
  uncertain: boolean;
  /**
   * Set when paved lost the host and journaled it uncertain: why, the store paths it may be on, and the moment by
   * which its guard decides (absent when no guard is armed for it). Cleared when a later step settles it.
   */
  unsettled?: { reason: string; at: string; paths: string[]; deadline?: string };
  startedAt?: string;
  endedAt?: string;
  /** Milliseconds spent in each step (SSH and Nix work), summed over attempts. */
  stepMs: Partial<Record<StepName, number>>;
}

export interface WaveState {
  index: number;
  name: string;
  hosts: string[];
  state: "pending" | "running" | "done" | "rolled-back" | "paused";
  failed: number;
  startedAt?: string;
  endedAt?: string;
}

export interface RolloutState {
  header: RolloutHeader;
  id: string;
  hosts: Record<string, HostState>;
  waves: WaveState[];
  outcome?: RolloutOutcome;
  message?: string;
  startedAt: string;
  endedAt?: string;
  resumes: number;
  failures: number;
  /** A rollback of the whole rollout (`paved rollout rollback`) began. */
  rollback?: { at: string; done: boolean };
  /** NAR bytes this machine sent: to the team cache (once per closure) and to hosts (what they could not substitute). */
  bytesSent: { cache: number; hosts: number };
}

export function foldJournal(records: readonly JournalRecord[]): RolloutState {
  const header = records[0] as RolloutHeader;
  const hosts: Record<string, HostState> = {};
  const waves: WaveState[] = header.waves.map((w, index) => ({
    index,
    name: w.name,
    hosts: w.hosts,
    state: "pending",
    failed: 0,
  }));
  header.waves.forEach((w, index) => {
    for (const name of w.hosts)
      hosts[name] = { name, wave: index, attempt: 0, armed: false, confirmed: false, uncertain: false, stepMs: {} };
  });
  const state: RolloutState = {
    header,
    id: header.id,
    hosts,
    waves,
    startedAt: header.at,
    resumes: 0,
    failures: 0,
    bytesSent: { cache: 0, hosts: 0 },
  };
  for (const record of records.slice(1)) {
    switch (record.type) {
      case "resume":
        state.resumes++;
        break;
      case "wave": {
        const wave = waves[record.wave];
        if (!wave) break;
        if (record.phase === "begin") {
          wave.state = "running";
          wave.startedAt ??= record.at;
        } else if (record.phase === "end") {
          wave.state = wave.state === "rolled-back" ? "rolled-back" : "done";
          wave.endedAt = record.at;
          wave.failed = record.failed ?? wave.failed;
        } else if (record.phase === "rollback") wave.state = "rolled-back";
        else if (record.phase === "paused") wave.state = "paused";
        break;
      }
      case "cache":
        state.bytesSent.cache += record.bytes;
        break;
      case "step":
        if (record.step === "copy" && record.phase === "end" && typeof record.data?.bytes === "number")
          state.bytesSent.hosts += record.data.bytes;
        applyStep(hosts[record.host], record);
        break;
      case "host": {
        const host = hosts[record.host];
        if (!host) break;
        host.outcome = record.outcome;
        host.message = record.message;
        host.generation = { generation: record.generation, path: record.path };
        host.uncertain = false;
        host.unsettled = undefined;
        host.endedAt = record.at;
        break;
      }
      case "uncertain": {
        const host = hosts[record.host];
        if (!host) break;
        const paths = [host.generation?.path, host.before?.path, host.target].filter((p): p is string => !!p);
        host.outcome = undefined;
        host.uncertain = true;
        host.unsettled = {
          reason: record.reason,
          at: record.at,
          paths: [...new Set(paths)],
          ...(record.deadline ? { deadline: record.deadline } : {}),
        };
        break;
      }
      case "end":
        state.outcome = record.outcome;
        state.message = record.message;
        state.endedAt = record.at;
        break;
      case "rollback":
        if (record.phase === "begin") state.rollback = { at: record.at, done: false };
        else {
          state.rollback = { at: state.rollback?.at ?? record.at, done: true };
          if (record.outcome) state.outcome = record.outcome;
          state.endedAt = record.at;
        }
        break;
    }
  }
  for (const host of Object.values(hosts)) {
    if (host.outcome && FAILED.has(host.outcome)) state.failures++;
  }
  for (const wave of waves)
    wave.failed = wave.hosts.filter((h) => hosts[h]?.outcome && FAILED.has(hosts[h]!.outcome!)).length;
  return state;
}

export const FAILED: ReadonlySet<HostOutcome> = new Set(["failed", "rolled-back-by-guard", "reboot-needed"]);

type StepRecord = Extract<JournalRecord, { type: "step" }>;

function applyStep(host: HostState | undefined, record: StepRecord): void {
  if (!host) return;
  if (record.attempt !== host.attempt) {
    host.attempt = record.attempt;
    host.armed = false;
    host.confirmed = false;
    host.setGeneration = undefined;
  }
  host.startedAt ??= record.at;
  // paved reached the host again: what it finds from here on replaces the uncertainty.
  if (record.phase === "end") host.unsettled = undefined;
  host.lastStep = { step: record.step, phase: record.phase, at: record.at, error: record.error };
  if (record.ms !== undefined) host.stepMs[record.step] = (host.stepMs[record.step] ?? 0) + record.ms;
  // Every attempt starts with a probe: an earlier outcome no longer holds from there on.
  if (record.step === "probe" && record.phase === "begin") host.outcome = undefined;
  const data = record.data ?? {};
  if (record.phase === "begin") {
    if (record.step === "arm") host.armed = true;
    // From here until the outcome is written, the host might be on either generation.
    if (record.step === "profile" || record.step === "rollback" || record.step === "boot") host.uncertain = true;
    return;
  }
  if (record.phase === "fail") return;
  switch (record.step) {
    case "probe":
      host.before = { generation: (data.generation as number | null) ?? null, path: String(data.path ?? "") };
      host.generation = host.before;
      host.uncertain = false;
      break;
    case "build":
      host.target = String(data.path ?? "");
      break;
    case "profile":
      host.setGeneration = (data.generation as number | undefined) ?? undefined;
      break;
    case "confirm":
      host.confirmed = data.decided === "confirm";
      if (host.confirmed && host.target)
        host.generation = { generation: host.setGeneration ?? null, path: host.target };
      host.uncertain = !host.confirmed;
      break;
    case "rollback":
      host.generation = { generation: (data.generation as number | null) ?? null, path: String(data.path ?? "") };
      host.uncertain = false;
      break;
    default:
      break;
  }
}
