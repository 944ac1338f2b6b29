/**
 * One host through a rollout: probe, copy, arm the guard, set the profile, activate with `test` (detached on the
 * host), health checks, confirm over a fresh SSH connection, then make it the boot default. Every step is
 * journaled before and after; any failure puts the host back on the generation it had.
 */
import { isPavedError, PavedError } from "@paved/core";
import type { HealthCheckConfig } from "./_config.ts";
import { sleep, waitHealthy } from "./_health.ts";
import type { Generation, HostOutcome, Journal, RolloutHeader, StepName } from "./_journal.ts";
import { measureCopy } from "./_cache.ts";
import { copyClosure } from "./_nix.ts";
import type { HostAgent, Probe } from "./_remote.ts";
import type { HostState } from "./_state.ts";
import { nixSshOpts, type SshTarget } from "./_ssh.ts";

export type RolloutEvent =
  | {
      type: "rollout";
      id: string;
      phase: "begin" | "end" | "resume" | "stopped";
      outcome?: string;
      message?: string;
      at: string;
    }
  | {
      type: "wave";
      wave: number;
      name: string;
      phase: "begin" | "end" | "bake" | "rollback" | "paused";
      hosts: number;
      failed?: number;
      ms?: number;
      at: string;
    }
  | {
      type: "host";
      host: string;
      wave: number;
      phase: StepName | "done" | "uncertain";
      outcome?: HostOutcome;
      ms?: number;
      message?: string;
      at: string;
    };

/** A host this process armed a guard for and has not finished: what to undo if paved must stop. */
export interface Inflight {
  host: string;
  dir: string;
  before: Generation;
  attempt: number;
}

const inflightByJournal = new WeakMap<Journal, Map<string, Inflight>>();

/** Hosts mid-switch in this process, per journal. */
export function inflight(journal: Journal): Map<string, Inflight> {
  let map = inflightByJournal.get(journal);
  if (!map) inflightByJournal.set(journal, (map = new Map()));
  return map;
}

/**
 * A host paved could not bring to a settled state (it stopped answering mid-switch or mid-rollback). The journal
 * says so with an `uncertain` record; the next `resume` or `rollback` that reaches the host settles it.
 */
export class Unsettled extends Error {
  constructor(
    readonly host: string,
    readonly deadline: string | undefined,
  ) {
    super(`${host} is unsettled`);
  }
}

/** The latest moment the guard of an attempt armed now-or-earlier takes its decision (see the agent's three clocks). */
export function guardDeadline(header: RolloutHeader, from = Date.now()): string {
  return new Date(from + header.activationTimeoutMs + header.confirmTimeoutMs).toISOString();
}

/** Journals a host as uncertain (on `before` or the target) and raises Unsettled. */
export function unsettled(run: HostRun, attempt: number, reason: string, guarded: boolean): never {
  const host = run.ssh.name;
  const deadline = guarded ? guardDeadline(run.header) : undefined;
  run.journal.append({ type: "uncertain", at: now(), host, attempt, reason, ...(deadline ? { deadline } : {}) });
  run.emit({
    type: "host",
    host,
    wave: wave(run),
    phase: "uncertain",
    message: `${reason}${deadline ? `; its guard decides by ${deadline}` : ""}`,
    at: now(),
  });
  throw new Unsettled(host, deadline);
}

export interface HostRun {
  header: RolloutHeader;
  journal: Journal;
  agent: HostAgent;
  ssh: SshTarget;
  healthChecks: readonly HealthCheckConfig[];
  /** Store path the host should run, already built. */
  target: string;
  buildHost?: SshTarget;
  emit: (event: RolloutEvent) => void;
  signal?: AbortSignal;
  /** Poll interval of health checks and confirmation retries (short in tests). */
  retryMs: number;
  /** The probe the wave's lease call answered, used (once) in place of a probe of its own. */
  probed?: Probe;
}

export interface HostResult {
  outcome: HostOutcome;
  generation: Generation;
  message?: string;
}

const now = () => new Date().toISOString();

function attemptDir(run: HostRun, attempt: number | string): string {
  return `${run.agent.paths.stateDir}/${run.header.id}/${run.ssh.name}-a${attempt}`;
}

function unitName(run: HostRun, attempt: number | string): string {
  return `paved-${run.header.id}-${run.ssh.name}-a${attempt}`.replace(/[^A-Za-z0-9:_.-]/g, "_");
}

/** Points the system profile at the target (refused once the attempt was decided), as a journaled step. */
function setProfileStep(run: HostRun, attempt: number, dir: string): Promise<Generation> {
  return step(
    run,
    attempt,
    "profile",
    () => run.agent.setProfile(run.target, dir),
    (g) => ({ generation: g.generation, path: g.path }),
  );
}

/** Makes `before` the boot default again, in a job of its own beside the attempt's directory. */
function restoreBootDefault(run: HostRun, attempt: number, dir: string, before: Generation): Promise<number> {
  return runJob(
    run,
    `${dir}-restore`,
    "boot",
    `${unitName(run, attempt)}-restore`,
    "boot",
    run.header.activationTimeoutMs,
    before.path,
  );
}

/** The restore job's unit: one per attempt directory (a wave's rollback and the rollout's use different ones). */
function restoreUnit(run: HostRun, attempt: number, dir: string): string {
  return `${unitName(run, attempt)}-rb-${dir.slice(dir.lastIndexOf("/") + 1)}`.replace(/[^A-Za-z0-9:_.-]/g, "_");
}

function wave(run: HostRun): number {
  return run.header.waves.findIndex((w) => w.hosts.includes(run.ssh.name));
}

/** Journals a step before and after it runs and tells the watcher. */
async function step<T>(
  run: HostRun,
  attempt: number,
  name: StepName,
  work: () => Promise<T>,
  data?: (value: T) => Record<string, unknown> | undefined,
): Promise<T> {
  const host = run.ssh.name;
  run.journal.append({ type: "step", at: now(), host, attempt, step: name, phase: "begin" });
  run.emit({ type: "host", host, wave: wave(run), phase: name, at: now() });
  const started = performance.now();
  try {
    const value = await work();
    const ms = Math.round(performance.now() - started);
    run.journal.append({ type: "step", at: now(), host, attempt, step: name, phase: "end", ms, data: data?.(value) });
    return value;
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    run.journal.append({
      type: "step",
      at: now(),
      host,
      attempt,
      step: name,
      phase: "fail",
      ms,
      error: (error as Error).message,
    });
    throw error;
  }
}

export function finish(run: HostRun, result: HostResult): HostResult {
  const host = run.ssh.name;
  inflight(run.journal).delete(host);
  run.journal.append({
    type: "host",
    at: now(),
    host,
    outcome: result.outcome,
    ...result.generation,
    message: result.message,
  });
  run.emit({
    type: "host",
    host,
    wave: wave(run),
    phase: "done",
    outcome: result.outcome,
    message: result.message,
    at: now(),
  });
  return result;
}

/** Copies the target's closure and measures what this machine sent (the journal's bytes). */
async function copyMeasured(run: HostRun): Promise<{ paths: number; bytes: number }> {
  const result = await copyClosure(run.ssh, run.target, {
    substituteOnDestination: run.header.substituteOnDestination,
    from: run.buildHost,
    signal: run.signal,
  });
  const from = run.buildHost ? `ssh-ng://${run.buildHost.user}@${run.buildHost.address}` : undefined;
  return measureCopy(result, from, from ? { NIX_SSHOPTS: nixSshOpts(run.buildHost!) } : undefined);
}

const unreachable = (error: unknown) => isPavedError(error, "E_ROLLOUT_UNREACHABLE");

/** The lease's answer for a first attempt (`leased`: read when the wave's leases were taken), else a probe. */
async function takeProbe(run: HostRun): Promise<Probe & { leased?: boolean }> {
  const probed = run.probed;
  run.probed = undefined;
  return probed ? { ...probed, leased: true } : run.agent.probe();
}

/** Deploys the target to one host as attempt number `attempt`. Never throws for host failures; returns them. */
export async function deployHost(run: HostRun, attempt: number): Promise<HostResult> {
  let before: Generation | undefined;
  try {
    before = await step(
      run,
      attempt,
      "probe",
      () => takeProbe(run),
      (g) => ({ generation: g.generation, path: g.path, systemd: g.systemd, ...(g.leased ? { leased: true } : {}) }),
    );
    if (before.generation === null) {
      throw new PavedError("E_ROLLOUT_NO_PROFILE", `${run.ssh.name}: no system profile at ${run.agent.paths.profile}`, {
        hint: "Is this a NixOS host? Set rollout.profile if its system profile lives elsewhere.",
      });
    }
    if (before.path === run.target)
      return finish(run, { outcome: "unchanged", generation: before, message: "already runs the target" });
    await step(
      run,
      attempt,
      "copy",
      () => copyMeasured(run),
      (sent) => ({ ...sent }),
    );
    if (run.header.mode === "boot") return await bootOnly(run, attempt, before);
    return await switchHost(run, attempt, before);
  } catch (error) {
    if (run.signal?.aborted || error instanceof Unsettled) throw error;
    const message = (error as Error).message;
    // Before the profile changed nothing needs undoing; after, switchHost handles its own failures.
    return finish(run, { outcome: "failed", generation: before ?? { generation: null, path: "" }, message });
  }
}

async function switchHost(run: HostRun, attempt: number, before: Generation): Promise<HostResult> {
  const dir = attemptDir(run, attempt);
  const unit = unitName(run, attempt);
  const h = run.header;
  await arm(run, attempt, before, "activate");
  let set: Generation;
  try {
    set = await setProfileStep(run, attempt, dir);
    const rc = await step(
      run,
      attempt,
      "activate",
      () => runJob(run, dir, "activate", unit, "test", h.activationTimeoutMs),
      (rc) => ({ rc }),
    );
    if (rc === 100)
      return await rollbackHost(
        run,
        attempt,
        dir,
        before,
        "none",
        "reboot-needed",
        "switch-to-configuration exited 100: this change needs a reboot; deploy it with --mode boot",
      );
    if (rc !== 0) return await rollbackHost(run, attempt, dir, before, "test", "failed", activationMessage(rc));
  } catch (error) {
    if (run.signal?.aborted || error instanceof Unsettled) throw error;
    return await rollbackHost(run, attempt, dir, before, "test", "failed", (error as Error).message);
  }
  const activatedAt = Date.now();
  if (run.healthChecks.length > 0) {
    const health = await step(
      run,
      attempt,
      "health",
      () =>
        waitHealthy(run.ssh, run.healthChecks, {
          timeoutMs: h.healthTimeoutMs,
          intervalMs: run.retryMs,
          signal: run.signal,
        }),
      (r) => ({ ok: r.ok, failures: r.failures, rounds: r.rounds }),
    );
    if (!health.ok)
      return await rollbackHost(
        run,
        attempt,
        dir,
        before,
        "test",
        "failed",
        `health check failed: ${health.failures.join("; ")}`,
      );
  }
  // The guard counts from the end of activation; stop trying a little before it fires.
  const deadline = activatedAt + h.confirmTimeoutMs - 500;
  const decided = await step(
    run,
    attempt,
    "confirm",
    () => confirm(run, dir, deadline),
    (d) => ({ decided: d }),
  );
  if (decided !== "confirm") return await guardDecided(run, dir, before, decided);
  if (h.mode === "switch") {
    try {
      const failed = await bootStep(run, attempt, dir, before);
      if (failed) return failed;
    } catch (error) {
      if (run.signal?.aborted || error instanceof Unsettled) throw error;
      return await rollbackHost(run, attempt, `${dir}-boot`, before, "switch", "failed", (error as Error).message);
    }
  }
  return finish(run, { outcome: "deployed", generation: set });
}

/**
 * `--mode boot`: the new system becomes the boot default and takes effect at the next reboot; nothing is activated.
 * It is guarded like a switch: the guard, armed first, undoes the profile and the boot default unless paved
 * confirms within confirmTimeout of the boot job's end, so a paved that dies never leaves an unconfirmed boot default.
 */
async function bootOnly(run: HostRun, attempt: number, before: Generation): Promise<HostResult> {
  const dir = attemptDir(run, attempt);
  const unit = unitName(run, attempt);
  await arm(run, attempt, before, "boot");
  let set: Generation;
  try {
    set = await setProfileStep(run, attempt, dir);
    const rc = await step(
      run,
      attempt,
      "boot",
      () => runJob(run, dir, "boot", unit, "boot", run.header.activationTimeoutMs),
      (rc) => ({ rc }),
    );
    if (rc !== 0)
      return await rollbackHost(
        run,
        attempt,
        dir,
        before,
        "boot",
        "failed",
        `switch-to-configuration boot exited ${rc}`,
      );
  } catch (error) {
    if (run.signal?.aborted || error instanceof Unsettled) throw error;
    return await rollbackHost(run, attempt, dir, before, "boot", "failed", (error as Error).message);
  }
  const decided = await step(
    run,
    attempt,
    "confirm",
    () => confirm(run, dir, Date.now() + run.header.confirmTimeoutMs - 500),
    (d) => ({ decided: d }),
  );
  if (decided !== "confirm") return await guardDecided(run, dir, before, decided);
  return finish(run, { outcome: "deployed", generation: set, message: "boot default; active after the next reboot" });
}

async function arm(run: HostRun, attempt: number, before: Generation, job: "activate" | "boot"): Promise<void> {
  const dir = attemptDir(run, attempt);
  const h = run.header;
  await step(
    run,
    attempt,
    "arm",
    () =>
      run.agent.arm(
        dir,
        unitName(run, attempt),
        before,
        Math.ceil(h.activationTimeoutMs / 1000),
        Math.ceil(h.confirmTimeoutMs / 1000),
        job,
      ),
    () => ({ dir, job }),
  );
  inflight(run.journal).set(run.ssh.name, { host: run.ssh.name, dir, before, attempt });
}

async function guardDecided(run: HostRun, dir: string, before: Generation, decided: string): Promise<HostResult> {
  const message =
    decided === "unreachable"
      ? "lost SSH after activation; the guard on the host rolls it back"
      : "the guard on the host rolled it back before paved confirmed";
  if (decided === "guard") await run.agent.awaitGuard(dir, 120).catch(() => undefined);
  return finish(run, { outcome: "rolled-back-by-guard", generation: before, message });
}

/** Starts a switch-to-configuration job detached on the host and waits for it, reconnecting if SSH drops. */
async function runJob(
  run: HostRun,
  dir: string,
  job: "activate" | "boot",
  unit: string,
  action: "test" | "boot",
  timeoutMs: number,
  system = run.target,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const first = await run.agent.start(dir, job, unit, system, action, Math.min(Math.ceil(timeoutMs / 1000), 30));
  if (first !== "running") return first;
  for (;;) {
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    try {
      const rc = await run.agent.wait(dir, job, Math.min(left, 30));
      if (rc !== "running") return rc;
    } catch (error) {
      if (!unreachable(error)) throw error;
      await sleep(run.retryMs, run.signal);
    }
    if (Date.now() >= deadline) {
      throw new PavedError(
        "E_ROLLOUT_ACTIVATION_TIMEOUT",
        `${run.ssh.name}: switch-to-configuration ${action} did not finish in ${timeoutMs / 1000}s`,
        {
          hint: "Raise rollout.activationTimeout if activations are slow, or look at the host's activation log.",
        },
      );
    }
  }
}

function activationMessage(rc: number): string {
  const why: Record<number, string> = {
    2: "the activation script failed",
    3: "systemd could not reload its units",
    4: "units failed to start or restart",
  };
  return `switch-to-configuration test exited ${rc}${why[rc] ? `: ${why[rc]}` : ""}`;
}

/** Confirms over fresh connections until it works or the guard's deadline passes. */
async function confirm(run: HostRun, dir: string, deadline: number): Promise<string> {
  for (;;) {
    try {
      return await run.agent.decide(dir, "confirm");
    } catch (error) {
      if (!unreachable(error)) throw error;
      if (Date.now() + run.retryMs >= deadline) return "unreachable";
      await sleep(run.retryMs, run.signal);
    }
  }
}

/**
 * Puts a host back on `before`: takes the attempt's decision first so the guard and paved never both act, then
 * resets the profile and activates the previous system (`action`). If the host cannot be reached, its guard
 * (armed before activation) restores it; the journal names the previous generation either way.
 */
/**
 * A confirmed `switch` makes the new generation the boot default (`switch-to-configuration boot`, journaled); when
 * that fails the host is put back, and the result says so. Undefined when the boot default is set.
 */
async function bootStep(
  run: HostRun,
  attempt: number,
  dir: string,
  before: Generation,
): Promise<HostResult | undefined> {
  const unit = unitName(run, attempt);
  const rc = await step(
    run,
    attempt,
    "boot",
    () => runJob(run, dir, "boot", unit, "boot", run.header.activationTimeoutMs),
    (rc) => ({ rc }),
  );
  if (rc === 0) return undefined;
  return rollbackHost(
    run,
    attempt,
    `${dir}-boot`,
    before,
    "switch",
    "failed",
    `switch-to-configuration boot exited ${rc}`,
  );
}

export async function rollbackHost(
  run: HostRun,
  attempt: number,
  dir: string,
  before: Generation,
  action: "test" | "switch" | "boot" | "none",
  outcome: HostOutcome,
  message: string,
): Promise<HostResult> {
  // Once paved took the decision, the guard no longer acts: losing the host after that leaves it uncertain.
  let decidedByPaved = false;
  try {
    const result = await step(
      run,
      attempt,
      "rollback",
      async () => {
        // One call decides and restores (the restore outlives the connection), so no kill can fall in between.
        const agentAction = action === "boot" ? "none" : action;
        const r = await run.agent.rollback(dir, "rollback", before, agentAction, restoreUnit(run, attempt, dir));
        const decided = r.decided;
        decidedByPaved = decided === "rollback";
        if (decided === "guard") {
          await run.agent.awaitGuard(dir, 300);
          return { decided, now: (await run.agent.state(dir)).now, rc: 0 };
        }
        if (action === "boot" && r.rc === 0) {
          const rc = await restoreBootDefault(run, attempt, dir, before).catch(() => 1);
          return { decided, now: r.now, rc };
        }
        return r;
      },
      (r) => ({ decided: r.decided, rc: r.rc, generation: r.now.generation, path: r.now.path }),
    );
    const byGuard = result.decided === "guard";
    if (result.rc !== 0) message += `; restoring the previous system exited ${result.rc}`;
    return finish(run, { outcome: byGuard ? "rolled-back-by-guard" : outcome, generation: result.now, message });
  } catch (error) {
    if (run.signal?.aborted) throw error;
    const guarded = dir === attemptDir(run, attempt) && !decidedByPaved;
    if (unreachable(error) && !guarded)
      unsettled(run, attempt, `lost SSH while rolling back: ${(error as Error).message}`, false);
    return finish(run, {
      outcome: unreachable(error) ? "rolled-back-by-guard" : outcome,
      generation: before,
      message: `${message}; rollback: ${(error as Error).message}`,
    });
  }
}

/**
 * After paved was interrupted: brings a host caught mid-switch to a known state. Returns a result when the host
 * is finished (confirmed before the interruption), or undefined when it is back on `before` and can be redone.
 */
export async function reconcileHost(run: HostRun, state: HostState): Promise<HostResult | undefined> {
  const before = state.before;
  const attempt = state.attempt;
  if (!before || state.lastStep === undefined) return undefined;
  const dir = attemptDir(run, attempt);
  const touched =
    state.armed ||
    state.setGeneration !== undefined ||
    state.lastStep.step === "profile" ||
    state.lastStep.step === "boot" ||
    state.lastStep.step === "rollback";
  if (!touched) return undefined;
  const now = await run.agent.state(dir);
  // Boot mode confirms after its boot job, so a confirmed host there is finished too.
  if (now.decided === "confirm") {
    if (run.header.mode === "switch") {
      const failed = await bootStep(run, attempt, dir, before);
      if (failed) return failed;
    }
    return finish(run, {
      outcome: "deployed",
      generation: (await run.agent.state(dir)).now,
      message: "confirmed before the interruption",
    });
  }
  if (now.decided === "rollback") {
    const r = await rollbackHost(run, attempt, dir, before, "test", "failed", "was failing when paved was interrupted");
    return r;
  }
  if (now.decided === "guard") {
    await run.agent.awaitGuard(dir, 300);
    return undefined;
  }
  // Undecided, or decided by "resume" (an earlier resume that died) or "salvage" (a paved whose journal failed put
  // it back): restore the previous system if anything needs it — deciding for "resume" and restoring in one call,
  // so a kill cannot leave the guard shut out and the host on the new system — and redo the host.
  const activated = now.activate !== "" || state.lastStep.step === "activate";
  if (now.now.path !== before.path || activated || now.boot !== "") {
    const action = run.header.mode === "boot" || !activated ? "none" : "test";
    const r = await step(
      run,
      attempt,
      "rollback",
      async () => {
        const r = await run.agent.rollback(dir, "resume", before, action, restoreUnit(run, attempt, dir));
        if (r.decided !== "guard" && (now.boot !== "" || state.lastStep?.step === "boot")) {
          r.rc = await restoreBootDefault(run, attempt, dir, before);
        }
        return r;
      },
      (r) => ({ decided: r.decided, rc: r.rc, generation: r.now.generation, path: r.now.path }),
    );
    if (r.decided === "guard") await run.agent.awaitGuard(dir, 300);
  } else if (now.decided === "") {
    await run.agent.decide(dir, "resume");
  }
  return undefined;
}
