/**
 * A chaos run against a real fleet: rollouts (`apply`, chained `resume`s, `rollback`) stopped at random points —
 * SIGKILL mostly, SIGTERM and SIGINT too — and environment faults (an immutable journal, a stolen lock, a full
 * journal disk, a read-only journal directory, a frozen host). After every stop it checks the invariants: every
 * host on a generation the journal allows, right away and a second later; the journal readable. Then an uncut
 * `resume` (or `rollback`) must converge: exit 0, every host where the journal says, nothing uncertain.
 * Used by the suite (test/chaos.test.ts, ~20 points) and by scripts/chaos-rollout.ts for long runs.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { foldJournal, journalPath, listRollouts, readJournalFile } from "@paved/rollout";
import { diskTmpDir, startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { asRoot, runPaved, type PavedRun } from "./_helpers.ts";
import { violations, type Violation } from "./_invariants.ts";

/**
 * The fleet chaos runs use: one host per name on a disk filesystem (chattr +i needs inode flags; Debian 13's /tmp is a
 * tmpfs), short guard timeouts, a file health check, and the journals on a tmpfs of `journalSpace` so that a full
 * disk is a real ENOSPC. Needs root for the mount.
 */
export async function startChaosFleet(
  names: string[],
  waves: Record<string, unknown>[],
  journalSpace: string,
): Promise<Fleet> {
  const fleet = await startFleet({ hosts: names.map((name) => ({ name })), parentDir: diskTmpDir() });
  fleet.writeConfig({
    waves,
    concurrency: 2,
    confirmTimeout: "8s",
    activationTimeout: "6s",
    healthChecks: [{ type: "command", run: 'test -e "$PAVED_TEST_HOST_DIR/current-system/healthy"' }],
  });
  const rollouts = join(fleet.dir, ".paved", "rollouts");
  mkdirSync(rollouts, { recursive: true });
  asRoot(["mount", "-t", "tmpfs", "-o", `size=${journalSpace}`, "paved-chaos", rollouts]);
  return fleet;
}

export type Fault = "SIGKILL" | "SIGTERM" | "SIGINT" | "EPERM" | "LOCK" | "ENOSPC" | "EROFS" | "FROZEN";

interface ChaosPoint {
  n: number;
  command: "apply" | "resume" | "rollback";
  fault: Fault;
  event: number;
  delayMs: number;
  /** exit code or signal of the stopped command */
  ended: string;
  ms: number;
  violations: Violation[];
  /** the journal could be read and the rollout resumed/rolled back to the end afterwards */
  unreadable?: string;
  notResumable?: string;
  exit70: boolean;
}

export interface ChaosSummary {
  seed: number;
  points: ChaosPoint[];
  converged: number;
  convergeFailures: string[];
}

/** mulberry32: small, seedable, good enough to pick kill points reproducibly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChaosOptions {
  fleet: Fleet;
  names: string[];
  seed: number;
  /** random stop points (signals) */
  points: number;
  /** faults injected once each, in addition */
  faults: Fault[];
  /** the journal directory is a tmpfs of this fleet (mounted by the caller) for ENOSPC */
  tmpfs?: boolean;
  /** checked before each stop point: true ends the run early (time budget, Ctrl-C); the summary stays valid */
  stop?: () => boolean;
  log?: (line: string) => void;
}

export async function chaos(options: ChaosOptions): Promise<ChaosSummary> {
  const { fleet, names } = options;
  const rnd = random(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const summary: ChaosSummary = { seed: options.seed, points: [], converged: 0, convergeFailures: [] };
  const plan: Fault[] = [...options.faults];
  for (let i = 0; i < options.points; i++)
    plan.splice(
      Math.floor(rnd() * (plan.length + 1)),
      0,
      rnd() < 0.8 ? "SIGKILL" : pick(["SIGTERM", "SIGINT"] as const),
    );
  let version = 0;
  let open: { id: string; command: "resume" | "rollback" } | undefined;
  let initial: Record<string, string> = {};
  const log = options.log ?? (() => {});
  for (const [index, fault] of plan.entries()) {
    if (options.stop?.()) break;
    let command: ChaosPoint["command"];
    let args: string[];
    if (open && rnd() < 0.6) {
      command = open.command;
      args = ["rollout", open.command, open.id];
    } else {
      if (open) await converge(open);
      open = undefined;
      if (summary.converged > 0 && rnd() < 0.2) {
        const last = listRollouts(fleet.dir).at(-1)!;
        command = "rollback";
        args = ["rollout", "rollback", last];
        open = { id: last, command: "rollback" };
      } else {
        version++;
        for (const n of names)
          fleet.setTarget(n, { packages: { hello: `9.${options.seed % 1000}.${version}`, openssl: "3.0.1" } });
        initial = Object.fromEntries(names.map((n) => [n, fleet.inspect(n).path]));
        command = "apply";
        args = ["rollout", "apply"];
      }
    }
    const point: ChaosPoint = {
      n: index + 1,
      command,
      fault,
      event: 1 + Math.floor(rnd() * 24),
      delayMs: Math.floor(rnd() * 400),
      ended: "",
      ms: 0,
      violations: [],
      exit70: false,
    };
    const started = performance.now();
    const known = new Set(listRollouts(fleet.dir));
    const undo = await inject(point, options, args, known);
    const run = undo.run;
    point.ended = run.signal ?? `exit ${run.code}`;
    point.exit70 = run.code === 70;
    const id = open?.id ?? listRollouts(fleet.dir).find((r) => !known.has(r));
    if (id) {
      try {
        readJournalFile(fleet.dir, id);
        point.violations = violations(fleet, id, initial);
        await new Promise((r) => setTimeout(r, 1000));
        point.violations.push(...violations(fleet, id, initial));
      } catch (error) {
        point.unreadable = (error as Error).message;
      }
      const state = point.unreadable ? undefined : foldJournal(readJournalFile(fleet.dir, id).records);
      if (command === "apply") open = state?.outcome ? undefined : { id, command: "resume" };
      if (command === "resume" && state?.outcome && state.outcome !== "paused") open = undefined;
      if (command === "rollback" && state?.rollback?.done) open = undefined;
    }
    undo.after();
    point.ms = Math.round(performance.now() - started);
    summary.points.push(point);
    log(
      `${String(point.n).padStart(4)} ${command.padEnd(8)} ${fault.padEnd(7)} event ${String(point.event).padStart(2)} +${String(point.delayMs).padStart(3)}ms → ${point.ended.padEnd(10)} ${String(point.ms).padStart(6)}ms ${point.violations.length ? `VIOLATIONS ${JSON.stringify(point.violations)}` : "ok"}${point.unreadable ? ` UNREADABLE ${point.unreadable}` : ""}`,
    );
    if (point.violations.length || point.unreadable) open = undefined;
  }
  if (open) await converge(open);
  return summary;

  async function converge(target: { id: string; command: "resume" | "rollback" }): Promise<void> {
    const started = performance.now();
    const run = await runPaved(["rollout", target.command, target.id, "-C", fleet.dir]);
    const state = foldJournal(readJournalFile(fleet.dir, target.id).records);
    const problems: string[] = [];
    if (run.code !== 0 && !(target.command === "resume" && run.code === 1 && state.outcome === "failed"))
      problems.push(`${target.command} exited ${run.code}: ${run.stderr.slice(-400)}`);
    for (const n of names) {
      const view = fleet.inspect(n);
      const host = state.hosts[n]!;
      if (host.uncertain || host.unsettled) problems.push(`${n} still uncertain`);
      if (host.generation?.path && host.generation.path !== view.path)
        problems.push(`${n}: journal says ${host.generation.path}, host is on ${view.path}`);
      if (view.current !== view.path && state.header.mode !== "boot")
        problems.push(`${n}: active ${view.current} is not the profile ${view.path}`);
    }
    if (problems.length) {
      summary.convergeFailures.push(`${target.command} ${target.id}: ${problems.join("; ")}`);
      options.log?.(`     converge ${target.command} ${target.id}: FAILED ${problems.join("; ")}`);
    } else {
      summary.converged++;
      options.log?.(
        `     converge ${target.command} ${target.id}: ok (${state.outcome ?? state.rollback?.done}) ${Math.round(performance.now() - started)}ms`,
      );
    }
  }

  async function inject(
    point: ChaosPoint,
    options: ChaosOptions,
    args: string[],
    known: Set<string>,
  ): Promise<{ run: PavedRun; after: () => void }> {
    const rollouts = join(fleet.dir, ".paved", "rollouts");
    const current = () => args[2] ?? listRollouts(fleet.dir).find((r) => !known.has(r));
    let cleanup = () => {};
    let hostEvents = 0;
    let fired = false;
    if (point.fault === "EROFS") {
      asRoot(["mount", "--bind", rollouts, rollouts]);
      asRoot(["mount", "-o", "remount,bind,ro", rollouts]);
      const run = await runPaved([...args, "-C", fleet.dir]);
      asRoot(["umount", rollouts]);
      return { run, after: () => {} };
    }
    if (point.fault === "FROZEN") {
      const host = fleet.hosts[Math.floor(Math.random() * fleet.hosts.length)]!;
      host.sshd!.process.kill("SIGSTOP");
      try {
        const run = await runPaved([...args, "-C", fleet.dir]);
        return { run, after: () => {} };
      } finally {
        host.sshd!.process.kill("SIGCONT");
      }
    }
    const run = await runPaved([...args, "-C", fleet.dir], (event, child) => {
      if (fired || event.type !== "host" || ++hostEvents < point.event) return;
      fired = true;
      setTimeout(() => {
        const id = current();
        switch (point.fault) {
          case "EPERM":
            if (id) {
              asRoot(["chattr", "+i", journalPath(fleet.dir, id)]);
              cleanup = () => asRoot(["chattr", "-i", journalPath(fleet.dir, id)]);
            }
            break;
          case "LOCK":
            if (id) {
              writeFileSync(`${journalPath(fleet.dir, id)}.lock`, "1 chaos-elsewhere\n");
              cleanup = () => rmSync(`${journalPath(fleet.dir, id)}.lock`, { force: true });
            }
            break;
          case "ENOSPC":
            if (options.tmpfs) {
              execFileSync("sh", [
                "-c",
                `dd if=/dev/zero of=${JSON.stringify(join(rollouts, "filler"))} bs=1024 2>/dev/null; true`,
              ]);
              cleanup = () => rmSync(join(rollouts, "filler"), { force: true });
            }
            break;
          default:
            child.kill(point.fault as NodeJS.Signals);
        }
      }, point.delayMs);
    });
    return { run, after: () => (existsSync(rollouts) ? cleanup() : undefined) };
  }
}
