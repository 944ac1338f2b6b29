/**
 * `paved rollout apply` and `paved rollout resume`: waves, one after another; hosts within a wave in parallel up
 * to the concurrency limit; a failure budget that, once exceeded, stops the rollout and rolls its wave back.
 */
import { isPavedError, PavedError } from "@paved/core";
import { durationMs, loadRolloutInputs, type RolloutSettings, type WaveConfig } from "./_config.ts";
import { sleep, waitHealthy } from "./_health.ts";
import {
  deployHost,
  finish,
  reconcileHost,
  rollbackHost,
  Unsettled,
  unsettled,
  type HostResult,
  type HostRun,
  type RolloutEvent,
} from "./_host.ts";
import { stoppable } from "./_stop.ts";
import { takeLeases, type Leases } from "./_lease.ts";
import { Journal, newRolloutId, readJournal, type RolloutHeader, type RolloutOutcome } from "./_journal.ts";
import { pushClosures } from "./_cache.ts";
import { buildSystems } from "./_nix.ts";
import { nixSshOpts } from "./_ssh.ts";
import { pool } from "./_pool.ts";
import { HostAgent } from "./_remote.ts";
import {
  budgetHosts,
  journalHost,
  parseBuildHost,
  parseWavesFlag,
  planWaves,
  selectHosts,
  sshTarget,
  type HostSelection,
} from "./_select.ts";
import { FAILED, foldJournal, type HostState, type RolloutState } from "./_state.ts";

export interface RunOptions {
  dir: string;
  onEvent?: (event: RolloutEvent) => void;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface ApplyOptions extends RunOptions {
  select?: HostSelection;
  /** "1,25%,rest"; default rollout.waves from paved.yaml. */
  waves?: string;
  concurrency?: number;
  failureBudget?: number | string;
  bake?: string;
  /** Stop after every wave until `rollout resume`. */
  pause?: boolean;
  mode?: RolloutSettings["mode"];
  buildHost?: string;
  substituteOnDestination?: boolean;
  healthTimeout?: string;
  confirmTimeout?: string;
  activationTimeout?: string;
  /** Extra flake arguments such as ["--override-input", "nixpkgs", "path:/srv/nixpkgs"]. */
  nixArgs?: string[];
  /** Return the planned waves and the journal header without touching anything. */
  dryRun?: boolean;
}

export interface RolloutResult {
  id: string;
  journal: string;
  /** "incomplete": hosts could not be reached and are journaled uncertain; the rollout has not ended. */
  outcome: RolloutOutcome | "planned" | "incomplete";
  message?: string;
  state: RolloutState;
  ms: number;
}

const now = () => new Date().toISOString();

export async function planHeader(options: ApplyOptions): Promise<{ header: RolloutHeader; settings: RolloutSettings }> {
  const inputs = await loadRolloutInputs(options.dir);
  const settings: RolloutSettings = { ...inputs.rollout };
  const hosts = selectHosts(inputs.hosts, options.select ?? {});
  const waves: WaveConfig[] = options.waves ? parseWavesFlag(options.waves) : settings.waves;
  const planned = planWaves(hosts, waves, options.bake ?? settings.bake).map((w) => ({
    ...w,
    pause: w.pause || options.pause === true,
  }));
  if (planned.length > 0) planned[planned.length - 1]!.pause = false;
  const concurrency = options.concurrency ?? settings.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new PavedError("E_USAGE", `Concurrency must be a whole number of at least 1, got ${concurrency}`, {
      hint: "--concurrency 10",
    });
  const header: RolloutHeader = {
    type: "rollout",
    at: now(),
    id: newRolloutId(),
    flake: settings.flake ?? options.dir,
    mode: options.mode ?? settings.mode,
    hosts: hosts.map((h) => journalHost(h, settings)),
    waves: planned,
    concurrency,
    failureBudget: budgetHosts(options.failureBudget ?? settings.failureBudget, hosts.length),
    healthTimeoutMs: durationMs(options.healthTimeout ?? settings.healthTimeout, "health timeout"),
    confirmTimeoutMs: durationMs(options.confirmTimeout ?? settings.confirmTimeout, "confirm timeout"),
    activationTimeoutMs: durationMs(options.activationTimeout ?? settings.activationTimeout, "activation timeout"),
    buildHost: options.buildHost ?? settings.buildHost,
    // With a team cache, hosts fetch from it: that is the point of having one.
    substituteOnDestination:
      inputs.cache !== undefined || (options.substituteOnDestination ?? settings.substituteOnDestination),
    ...(inputs.cache ? { cache: inputs.cache } : {}),
    ssh: settings.ssh,
    nixArgs: options.nixArgs,
    healthChecks: settings.healthChecks,
    retryMs: Math.min(
      1000,
      Math.max(100, Math.round(durationMs(options.confirmTimeout ?? settings.confirmTimeout, "confirm timeout") / 20)),
    ),
  };
  if (header.confirmTimeoutMs < 2000)
    throw new PavedError("E_USAGE", "The confirm timeout must be at least 2s", {
      hint: "The guard needs time to see paved's confirmation.",
    });
  return { header, settings };
}

export async function applyRollout(options: ApplyOptions): Promise<RolloutResult> {
  const { header } = await planHeader(options);
  if (options.dryRun) {
    return { id: header.id, journal: "", outcome: "planned", state: foldJournal([header]), ms: 0 };
  }
  const journal = Journal.open(options.dir, header.id, true);
  try {
    journal.append(header);
    options.onEvent?.({ type: "rollout", id: header.id, phase: "begin", at: now() });
    return await stoppable(journal, header, options, `paved rollout resume ${header.id}`, (signal) =>
      runRollout(journal, [header], { ...options, signal }),
    );
  } finally {
    journal.close();
  }
}

/** Continues an interrupted or paused rollout from its journal. */
export async function resumeRollout(options: RunOptions & { id: string }): Promise<RolloutResult> {
  const records = readJournal(options.dir, options.id);
  const state = foldJournal(records);
  if (state.outcome && state.outcome !== "paused") {
    throw new PavedError("E_ROLLOUT_FINISHED", `Rollout ${options.id} already ended: ${state.outcome}.`, {
      hint:
        state.outcome === "rolled-back"
          ? "Start a new rollout with `paved rollout apply`."
          : `Start a new one with \`paved rollout apply\`, or undo it with \`paved rollout rollback ${options.id}\`.`,
    });
  }
  const journal = Journal.open(options.dir, options.id, false);
  try {
    journal.append({ type: "resume", at: now(), pid: process.pid });
    options.onEvent?.({ type: "rollout", id: options.id, phase: "resume", at: now() });
    const again = `paved rollout resume ${options.id}`;
    return await stoppable(journal, state.header, options, again, (signal) =>
      runRollout(journal, readJournal(options.dir, options.id), { ...options, signal }),
    );
  } finally {
    journal.close();
  }
}

export function hostRun(
  header: RolloutHeader,
  journal: Journal,
  name: string,
  target: string,
  options: RunOptions,
  agent?: HostAgent,
): HostRun {
  const host = header.hosts.find((h) => h.name === name)!;
  const ssh = sshTarget(host, header.ssh);
  return {
    header,
    journal,
    agent: agent ?? new HostAgent(ssh, { profile: host.profile, stateDir: host.stateDir }, options.signal),
    ssh,
    healthChecks: header.healthChecks,
    target,
    buildHost: header.buildHost ? parseBuildHost(header.buildHost, header.ssh) : undefined,
    emit: options.onEvent ?? (() => {}),
    signal: options.signal,
    retryMs: header.retryMs,
  };
}

async function runRollout(
  journal: Journal,
  records: Parameters<typeof foldJournal>[0],
  options: RunOptions,
): Promise<RolloutResult> {
  const started = performance.now();
  const state = foldJournal(records);
  const header = state.header;
  let failures = state.failures;
  const end = (outcome: RolloutOutcome, message: string): RolloutResult => {
    journal.append({ type: "end", at: now(), outcome, message });
    options.onEvent?.({ type: "rollout", id: header.id, phase: "end", outcome, message, at: now() });
    return {
      id: header.id,
      journal: journal.path,
      outcome,
      state: foldJournal(readJournal(options.dir, header.id)),
      ms: performance.now() - started,
    };
  };
  const incomplete = (lost: Unsettled[]): RolloutResult => {
    const deadlines = lost
      .map((u) => u.deadline)
      .filter(Boolean)
      .sort();
    const message = `${lost.map((u) => u.host).join(", ")} could not be reached and ${lost.length === 1 ? "is" : "are"} journaled uncertain${deadlines.length ? `; ${lost.length === 1 ? "its guard decides" : "their guards decide"} by ${deadlines.at(-1)}` : ""}; run \`paved rollout resume ${header.id}\` once ${lost.length === 1 ? "it answers" : "they answer"}`;
    options.onEvent?.({ type: "rollout", id: header.id, phase: "stopped", outcome: "incomplete", message, at: now() });
    return {
      id: header.id,
      journal: journal.path,
      outcome: "incomplete",
      message,
      state: foldJournal(readJournal(options.dir, header.id)),
      ms: performance.now() - started,
    };
  };
  // A settled wave's leases are released while the next wave leases its own hosts (waves never share a host), and
  // done before that wave builds and touches anything; the rollout ends only once every release is done, so a next
  // rollout finds the hosts free.
  let releasing: Promise<void> = Promise.resolve();
  let leases: Leases | undefined;
  try {
    for (const [index, wave] of header.waves.entries()) {
      const waveState = state.waves[index]!;
      if (waveState.state === "done" || waveState.state === "paused") continue;
      const waveStarted = performance.now();
      leases = await takeLeases(header, agentsOf(header, wave.hosts, options), header.concurrency);
      journal.append({
        type: "lease",
        at: now(),
        wave: index,
        hosts: leases.agents.size,
        ms: Math.round(performance.now() - waveStarted),
      });
      await releasing;
      const result = await runWave(index, waveState, waveStarted, leases);
      const settled = leases;
      leases = undefined;
      releasing = Promise.all([releasing, settled.release()]).then(() => undefined);
      if (result) {
        await releasing;
        return result;
      }
    }
    await releasing;
  } catch (error) {
    leases?.abandon();
    await releasing;
    throw error;
  }
  return end(
    "succeeded",
    failures > 0
      ? `done; ${failures} host(s) failed within the budget of ${header.failureBudget}`
      : "every host is on its new system",
  );

  /** One wave, its hosts leased; returns the rollout's result when the rollout ends (or stops) in this wave. */
  async function runWave(
    index: number,
    waveState: RolloutState["waves"][number],
    waveStarted: number,
    leases: Leases,
  ): Promise<RolloutResult | undefined> {
    const wave = header.waves[index]!;
    if (waveState.state === "rolled-back") {
      await rollbackWave(journal, state, index, options);
      skipRest(journal, foldJournal(readJournal(options.dir, header.id)), options, header);
      return end("failed", `wave ${wave.name} failed and was rolled back (resumed)`);
    }
    if (waveState.state === "pending") journal.append({ type: "wave", at: now(), wave: index, phase: "begin" });
    options.onEvent?.({
      type: "wave",
      wave: index,
      name: wave.name,
      phase: "begin",
      hosts: wave.hosts.length,
      at: now(),
    });
    const todo = wave.hosts.filter((h) => !state.hosts[h]!.outcome);
    const targets = await targetsFor(journal, state, todo, options);
    // A resumed rollout may already be over its budget (paved died before rolling the wave back).
    let stop = failures > header.failureBudget;
    const lost: Unsettled[] = [];
    await pool(
      todo,
      header.concurrency,
      async (name) => {
        const host = state.hosts[name]!;
        const run = hostRun(header, journal, name, targets[name]!, options, leases.agents.get(name));
        // The lease's probe stands for the first attempt's probe only when nothing touched the host since.
        if (!host.lastStep) run.probed = leases.probes.get(name);
        let result: HostResult | undefined | Unsettled = host.lastStep ? await reconcileSafely(run, host) : undefined;
        if (result instanceof Unsettled) {
          lost.push(result);
          return;
        }
        try {
          result ??= await deployHost(run, host.attempt + 1);
        } catch (error) {
          if (!(error instanceof Unsettled)) throw error;
          lost.push(error);
          return;
        }
        host.outcome = result.outcome;
        if (FAILED.has(result.outcome)) {
          failures++;
          if (failures > header.failureBudget) stop = true;
        }
      },
      () => stop,
    );
    // A host paved lost mid-switch keeps its wave open: the next resume that reaches it settles it first.
    if (lost.length > 0 && !stop) return incomplete(lost);
    if (!stop && wave.bakeMs > 0 && index < header.waves.length - 1) {
      journal.append({ type: "wave", at: now(), wave: index, phase: "bake" });
      options.onEvent?.({
        type: "wave",
        wave: index,
        name: wave.name,
        phase: "bake",
        hosts: wave.hosts.length,
        at: now(),
      });
      await sleep(wave.bakeMs, options.signal);
      stop = await recheck(journal, state, index, options, () => ++failures > header.failureBudget);
    }
    if (stop) {
      journal.append({ type: "wave", at: now(), wave: index, phase: "rollback" });
      options.onEvent?.({
        type: "wave",
        wave: index,
        name: wave.name,
        phase: "rollback",
        hosts: wave.hosts.length,
        at: now(),
      });
      await rollbackWave(journal, state, index, options);
      skipRest(journal, foldJournal(readJournal(options.dir, header.id)), options, header);
      return end(
        "failed",
        `${failures} host(s) failed, over the failure budget of ${header.failureBudget}; wave ${wave.name} rolled back`,
      );
    }
    const failed = wave.hosts.filter((h) => FAILED.has(state.hosts[h]!.outcome!)).length;
    journal.append({ type: "wave", at: now(), wave: index, phase: "end", failed });
    options.onEvent?.({
      type: "wave",
      wave: index,
      name: wave.name,
      phase: "end",
      hosts: wave.hosts.length,
      failed,
      ms: Math.round(performance.now() - waveStarted),
      at: now(),
    });
    if (wave.pause && index < header.waves.length - 1) {
      journal.append({ type: "wave", at: now(), wave: index, phase: "paused" });
      options.onEvent?.({
        type: "wave",
        wave: index,
        name: wave.name,
        phase: "paused",
        hosts: wave.hosts.length,
        at: now(),
      });
      return end("paused", `paused after wave ${wave.name}; continue with \`paved rollout resume ${header.id}\``);
    }
    return undefined;
  }
}

export function agentsOf(header: RolloutHeader, hosts: readonly string[], options: RunOptions): Map<string, HostAgent> {
  return new Map(
    hosts.map((name) => {
      const host = header.hosts.find((h) => h.name === name)!;
      return [
        name,
        new HostAgent(sshTarget(host, header.ssh), { profile: host.profile, stateDir: host.stateDir }, options.signal),
      ];
    }),
  );
}

/**
 * Settles a host an interruption caught mid-switch. A host that does not answer is not guessed at: it is journaled
 * uncertain (with its guard's deadline) and left for a later run that reaches it.
 */
export async function reconcileSafely(run: HostRun, host: HostState): Promise<HostResult | undefined | Unsettled> {
  try {
    return await reconcileHost(run, host);
  } catch (error) {
    if (run.signal?.aborted) throw error;
    if (error instanceof Unsettled) return error;
    if (isPavedError(error, "E_ROLLOUT_UNREACHABLE")) {
      try {
        unsettled(
          run,
          host.attempt,
          `unreachable while settling it: ${(error as Error).message}`,
          host.armed && !host.confirmed,
        );
      } catch (lost) {
        return lost as Unsettled;
      }
    }
    return finish(run, {
      outcome: "failed",
      generation: host.before ?? { generation: null, path: "" },
      message: `after the interruption: ${(error as Error).message}`,
    });
  }
}

/** Builds the systems of hosts that have no target yet, in one `nix build`, journaling each host's result. */
async function targetsFor(
  journal: Journal,
  state: RolloutState,
  hosts: string[],
  options: RunOptions,
): Promise<Record<string, string>> {
  const header = state.header;
  const missing = hosts.filter((h) => !state.hosts[h]!.target);
  if (missing.length > 0) {
    for (const host of missing)
      journal.append({
        type: "step",
        at: now(),
        host,
        attempt: state.hosts[host]!.attempt,
        step: "build",
        phase: "begin",
      });
    const started = performance.now();
    const built = await buildSystems(missing, {
      flake: header.flake,
      nixArgs: header.nixArgs,
      buildHost: header.buildHost ? parseBuildHost(header.buildHost, header.ssh) : undefined,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const ms = Math.round(performance.now() - started);
    if (header.cache?.pushTo) await pushToCache(journal, header, [...new Set(Object.values(built))], options);
    for (const host of missing) {
      journal.append({
        type: "step",
        at: now(),
        host,
        attempt: state.hosts[host]!.attempt,
        step: "build",
        phase: "end",
        ms,
        data: { path: built[host] },
      });
      state.hosts[host]!.target = built[host];
    }
  }
  return Object.fromEntries(hosts.map((h) => [h, state.hosts[h]!.target!]));
}

/** New closures go to the team cache once, signed; hosts then substitute them from it. */
async function pushToCache(
  journal: Journal,
  header: RolloutHeader,
  paths: string[],
  options: RunOptions,
): Promise<void> {
  const buildHost = header.buildHost ? parseBuildHost(header.buildHost, header.ssh) : undefined;
  const pushed = await pushClosures(header.cache!, paths, {
    from: buildHost ? `ssh-ng://${buildHost.user}@${buildHost.address}` : undefined,
    env: buildHost ? { NIX_SSHOPTS: nixSshOpts(buildHost) } : undefined,
    signal: options.signal,
  });
  journal.append({
    type: "cache",
    at: now(),
    to: header.cache!.pushTo!,
    paths: pushed.paths,
    bytes: pushed.bytes,
    ms: pushed.ms,
  });
}

/** After a bake: health checks once more on the wave's deployed hosts; a failing host is rolled back. */
async function recheck(
  journal: Journal,
  stale: RolloutState,
  index: number,
  options: RunOptions,
  overBudget: () => boolean,
): Promise<boolean> {
  const state = foldJournal(readJournal(options.dir, stale.id));
  const header = state.header;
  let stop = false;
  const deployed = header.waves[index]!.hosts.filter((h) => state.hosts[h]!.outcome === "deployed");
  await pool(
    deployed,
    header.concurrency,
    async (name) => {
      const host = state.hosts[name]!;
      const run = hostRun(header, journal, name, host.target!, options);
      const health = await waitHealthy(run.ssh, header.healthChecks, {
        timeoutMs: header.healthTimeoutMs,
        intervalMs: run.retryMs,
        signal: options.signal,
      });
      if (health.ok) return;
      try {
        const result = await rollbackHost(
          run,
          host.attempt,
          `${run.agent.paths.stateDir}/${header.id}/${name}-bake`,
          host.before!,
          "switch",
          "failed",
          `unhealthy after the bake: ${health.failures.join("; ")}`,
        );
        host.outcome = result.outcome;
      } catch (error) {
        // Lost while rolling back: journaled uncertain; it failed its health check either way.
        if (!(error instanceof Unsettled)) throw error;
      }
      if (overBudget()) stop = true;
    },
    () => false,
  );
  return stop;
}

/** Returns every host of a wave that got its new system to its previous one. */
async function rollbackWave(journal: Journal, stale: RolloutState, index: number, options: RunOptions): Promise<void> {
  const state = foldJournal(readJournal(options.dir, stale.id));
  const header = state.header;
  const wave = header.waves[index]!;
  await pool(
    wave.hosts,
    header.concurrency,
    async (name) => {
      const host = state.hosts[name]!;
      if (!host.before) return;
      const run = hostRun(header, journal, name, host.target ?? "", options);
      if (!host.outcome && host.lastStep) {
        const result = await reconcileSafely(run, host);
        if (result instanceof Unsettled) return;
        host.outcome = result?.outcome;
        if (!result) {
          finish(run, { outcome: "skipped", generation: host.before, message: "stopped by the failure budget" });
          host.outcome = "skipped";
          return;
        }
      }
      if (host.outcome !== "deployed") return;
      try {
        const result = await rollbackHost(
          run,
          host.attempt,
          `${run.agent.paths.stateDir}/${header.id}/${name}-wave`,
          host.before,
          "switch",
          "rolled-back",
          `wave ${wave.name} failed`,
        );
        host.outcome = result.outcome;
      } catch (error) {
        // Lost while rolling back: journaled uncertain; `paved rollout rollback ID` settles it once it answers.
        if (!(error instanceof Unsettled)) throw error;
      }
    },
    () => false,
  );
}

function skipRest(journal: Journal, state: RolloutState, options: RunOptions, header: RolloutHeader): void {
  for (const host of Object.values(state.hosts)) {
    if (host.outcome) continue;
    const run = hostRun(header, journal, host.name, host.target ?? "", options);
    finish(run, {
      outcome: "skipped",
      generation: host.before ?? { generation: null, path: "" },
      message: "not reached: the rollout stopped",
    });
    host.outcome = "skipped";
  }
}
