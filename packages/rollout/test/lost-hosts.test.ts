/**
 * Hosts paved loses, and paved lost itself: `resume` with a host whose sshd is frozen (SIGSTOP), `status --probe`
 * after hosts were skipped, `--mode boot` killed mid-host, ssh children of a killed paved, and SIGINT.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { foldJournal, readJournal } from "@paved/rollout";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { requireTools, runPaved, settleOpenRollouts, TOOLS, type PavedRun } from "./_helpers.ts";
import { decidedBy, violations } from "./_invariants.ts";

const names = ["u1", "u2"];
let fleet: Fleet;
let version = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// activation 6s + confirm 15s: the longest a guard waits before it decides
const GUARD_MS = 21_000;

beforeAll(async () => {
  requireTools(...TOOLS);
  fleet = await startFleet({ hosts: names.map((name) => ({ name })) });
  fleet.writeConfig({
    waves: [{ name: "all", hosts: "rest" }],
    concurrency: 2,
    confirmTimeout: "15s",
    activationTimeout: "6s",
    healthChecks: [{ type: "command", run: "sleep 2" }],
    ssh: {
      configFile: "/dev/null",
      identityFile: fleet.key.privateKey,
      knownHostsFile: `${fleet.dir}/known_hosts`,
      connectTimeout: "3s",
    },
  });
});
afterAll(async () => {
  for (const host of fleet?.hosts ?? []) host.sshd?.process.kill("SIGCONT");
  await fleet?.stop();
});
// A failed test may leave its rollout open, whose leases would then fail every test after it: one failure, not three.
afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || !fleet) return;
  for (const host of fleet.hosts) host.sshd?.process.kill("SIGCONT");
  const settled = await settleOpenRollouts(fleet.dir);
  if (settled.length > 0) console.log(`settled after the failure: ${settled.join("; ")}`);
});

function nextTargets(): Record<string, string> {
  version++;
  for (const name of names) fleet.setTarget(name, { packages: { hello: `6.${version}`, openssl: "3.0.1" } });
  return Object.fromEntries(names.map((n) => [n, fleet.inspect(n).path]));
}

const json = (run: PavedRun) => JSON.parse(run.stdout);

/** apply, killed with `signal` when `host` begins `phase`; returns the run and the rollout id. */
async function applyKilled(
  signal: NodeJS.Signals,
  host: string,
  phase: string,
  extra: string[] = [],
  atKill?: (pid: number) => void,
): Promise<{ run: PavedRun; id: string }> {
  let id = "";
  let sent = false;
  const run = await runPaved(["rollout", "apply", "-C", fleet.dir, ...extra], (event, child) => {
    if (event.type === "rollout" && event.phase === "begin") id = String(event.id);
    if (!sent && event.type === "host" && event.host === host && event.phase === phase) {
      sent = true;
      atKill?.(child.pid!);
      child.kill(signal);
    }
  });
  expect(sent, run.stderr.slice(-2000)).toBe(true);
  return { run, id };
}

async function resumeToTheEnd(id: string): Promise<void> {
  const resumed = await runPaved(["rollout", "resume", id, "-C", fleet.dir]);
  expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
  for (const name of names) expect(fleet.inspect(name).path).toBe(fleet.targetPath(name));
}

describe("hosts paved cannot reach, and a paved that is gone", () => {
  it("resume with a frozen host journals it uncertain with its guard's deadline, exits 75, and settles it once it answers", async () => {
    const initial = nextTargets();
    const { id } = await applyKilled("SIGKILL", "u1", "health");
    const sshd = fleet.hosts.find((h) => h.name === "u1")!.sshd!.process;
    sshd.kill("SIGSTOP");
    let resumed: PavedRun;
    try {
      resumed = await runPaved(["rollout", "resume", id, "-C", fleet.dir]);
    } finally {
      sshd.kill("SIGCONT");
    }
    expect(resumed.code, resumed.stderr.slice(-3000)).toBe(75);
    expect(json(resumed)).toMatchObject({
      outcome: "incomplete",
      uncertain: [{ host: "u1", deadline: expect.any(String) }],
    });
    expect(json(resumed).message).toContain(`paved rollout resume ${id}`);
    // never a settled state it did not see
    const state = foldJournal(readJournal(fleet.dir, id));
    expect(state.hosts.u1).toMatchObject({
      outcome: undefined,
      uncertain: true,
      unsettled: { deadline: expect.any(String) },
    });
    expect(state.hosts.u1!.unsettled!.paths.sort()).toEqual([initial.u1!, fleet.targetPath("u1")].sort());
    expect(readJournal(fleet.dir, id).filter((r) => r.type === "host" && r.host === "u1")).toEqual([]);
    // status says so
    const status = await runPaved(["rollout", "status", id, "-C", fleet.dir]);
    expect(json(status)).toMatchObject({
      outcome: "incomplete",
      hostStates: expect.arrayContaining([
        expect.objectContaining({
          host: "u1",
          outcome: "pending",
          unsettled: expect.objectContaining({ deadline: state.hosts.u1!.unsettled!.deadline }),
        }),
      ]),
    });
    expect(violations(fleet, id, initial)).toEqual([]);
    // after its deadline the guard has put it back; the next resume sees it and finishes the rollout
    await sleep(Math.max(0, Date.parse(state.hosts.u1!.unsettled!.deadline!) - Date.now()) + 4000);
    expect(decidedBy(fleet, id, state.hosts.u1!)).toBe("guard");
    expect(fleet.inspect("u1").path).toBe(initial.u1);
    await resumeToTheEnd(id);
    expect(foldJournal(readJournal(fleet.dir, id)).hosts.u1!.unsettled).toBeUndefined();
  });

  it("status --probe calls hosts the rollout skipped untouched, not a disagreement", async () => {
    nextTargets();
    fleet.setTarget("u1", { behaviour: "fail" });
    fleet.writeConfig({
      ...currentConfig(),
      waves: [
        { name: "canary", hosts: 1 },
        { name: "rest", hosts: "rest" },
      ],
    });
    try {
      const run = await runPaved(["rollout", "apply", "-C", fleet.dir]);
      expect(run.code).toBe(1);
      const id = json(run).id;
      const state = foldJournal(readJournal(fleet.dir, id));
      expect(state.hosts.u2).toMatchObject({ outcome: "skipped", generation: { path: "" } });
      const probe = await runPaved(["rollout", "status", id, "--probe", "-C", fleet.dir]);
      expect(probe.code, probe.stdout).toBe(0);
      expect(json(probe)).toMatchObject({
        agrees: true,
        hosts: expect.arrayContaining([expect.objectContaining({ host: "u2", untouched: true, agrees: true })]),
      });
      // a real disagreement is still one: u1 switched by hand
      const { execFileSync } = await import("node:child_process");
      const u1 = fleet.hosts.find((h) => h.name === "u1")!;
      const generation = fleet.inspect("u1").generation;
      execFileSync("nix-env", ["-p", u1.profile, "--set", fleet.targetPath("u2")], { stdio: "ignore" });
      const alarm = await runPaved(["rollout", "status", id, "--probe", "-C", fleet.dir]);
      expect(alarm.code).toBe(5);
      expect(
        json(alarm)
          .hosts.filter((h: { agrees: boolean }) => !h.agrees)
          .map((h: { host: string }) => h.host),
      ).toEqual(["u1"]);
      execFileSync("nix-env", ["-p", u1.profile, "--switch-generation", String(generation)], { stdio: "ignore" });
      // the same failure within a budget of 1: the rollout succeeds, and says so with exit 6, not 0 or 1
      const partial = await runPaved(["rollout", "apply", "-C", fleet.dir, "--failure-budget", "1"]);
      expect(partial.code, partial.stderr.slice(-2000)).toBe(6);
      expect(json(partial)).toMatchObject({ outcome: "succeeded", failures: [{ host: "u1", outcome: "failed" }] });
    } finally {
      fleet.setTarget("u1", { behaviour: "ok" });
      fleet.writeConfig(currentConfig());
    }
  });

  it("--mode boot killed after its profile step: the guard restores profile and boot default; resume deploys it", async () => {
    const initial = nextTargets();
    const { id } = await applyKilled("SIGKILL", "u1", "boot", ["--mode", "boot", "--host", "u1"]);
    await sleep(GUARD_MS + 4000);
    const host = foldJournal(readJournal(fleet.dir, id)).hosts.u1!;
    const decided = decidedBy(fleet, id, host);
    const view = fleet.inspect("u1");
    // whatever the kill hit, no unconfirmed boot default is left behind
    expect(decided).toBe("guard");
    expect([view.path, view.bootDefault, view.current]).toEqual([initial.u1, initial.u1, initial.u1]);
    expect(violations(fleet, id, initial, { settled: true })).toEqual([]);
    const resumed = await runPaved(["rollout", "resume", id, "-C", fleet.dir]);
    expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
    const after = fleet.inspect("u1");
    expect([after.path, after.bootDefault, after.current]).toEqual([
      fleet.targetPath("u1"),
      fleet.targetPath("u1"),
      initial.u1,
    ]);
    // and back to switch mode for the other tests
    await resumeOrApplyBothToTarget();
  });

  it("ssh children die with paved: killed with SIGKILL, none of them outlives it", async () => {
    const initial = nextTargets();
    let children: { pid: number; comm: string }[] = [];
    const { id, run } = await applyKilled("SIGKILL", "u1", "health", [], (pid) => {
      children = childrenOf(pid);
    });
    expect(run.signal).toBe("SIGKILL");
    // The health check (`sleep 2` over ssh) was running. On a loaded machine the signal can come before its wrapper,
    // `setpriv --pdeathsig` (core's exec), has exec'd ssh: the same process, under its wrapper's name.
    expect(children.map((c) => c.comm)).toEqual(expect.arrayContaining([expect.stringMatching(/^(ssh|setpriv)$/)]));
    await sleep(500);
    expect(children.filter((c) => alive(c.pid))).toEqual([]);
    expect(violations(fleet, id, initial)).toEqual([]);
    // resume takes the pending decisions itself; no need to wait for the guards
    await resumeToTheEnd(id);
  });

  it("SIGINT stops like SIGTERM: exit 130, the in-flight hosts journaled uncertain, the exact resume command", async () => {
    const initial = nextTargets();
    const { id, run } = await applyKilled("SIGINT", "u1", "health");
    expect(run.code, run.stderr.slice(-2000)).toBe(130);
    expect(json(run).error).toMatchObject({
      code: "E_ROLLOUT_INTERRUPTED",
      signal: "SIGINT",
      resume: `paved rollout resume ${id}`,
    });
    expect(run.stderr).toContain(`Continue with \`paved rollout resume ${id}\``);
    // no ssh argv in the message
    expect(json(run).error.message).not.toContain("ssh ");
    const uncertain = readJournal(fleet.dir, id).filter((r) => r.type === "uncertain");
    expect(uncertain.map((r) => r.type === "uncertain" && r.host)).toContain("u1");
    expect(violations(fleet, id, initial)).toEqual([]);
    await resumeToTheEnd(id);
  });

  it("a rollback killed once its restore started on the host: the host is restored anyway, and the rerun journals it", async () => {
    const initial = nextTargets();
    const applied = await runPaved(["rollout", "apply", "-C", fleet.dir]);
    expect(applied.code, applied.stderr.slice(-2000)).toBe(0);
    const id = json(applied).id as string;
    let sent = false;
    const killed = await runPaved(["rollout", "rollback", id, "-C", fleet.dir], (event, child) => {
      if (!sent && event.type === "host" && event.host === "u1" && event.phase === "rollback") {
        sent = true;
        // killed as soon as the restore job exists on the host (the decision and the restore are one agent call)
        const job = `${fleet.hosts.find((h) => h.name === "u1")!.stateDir}/${id}/u1-rollback/rollback.pid`;
        const poll = setInterval(() => {
          if (!existsSync(job)) return;
          clearInterval(poll);
          child.kill("SIGKILL");
        }, 20);
        child.once("exit", () => clearInterval(poll));
      }
    });
    expect(sent, killed.stderr.slice(-2000)).toBe(true);
    // the job on the host finishes without paved: u1 is back on its previous system
    for (let i = 0; i < 50 && fleet.inspect("u1").path !== initial.u1; i++)
      await new Promise((r) => setTimeout(r, 200));
    expect(fleet.inspect("u1").path).toBe(initial.u1);
    const rerun = await runPaved(["rollout", "rollback", id, "-C", fleet.dir]);
    expect(rerun.code, rerun.stdout.slice(-2000)).toBe(0);
    const state = foldJournal(readJournal(fleet.dir, id));
    for (const name of names) {
      expect(state.hosts[name]!.uncertain, name).toBeFalsy();
      expect(state.hosts[name]!.generation?.path, name).toBe(initial[name]);
      expect(fleet.inspect(name).path, name).toBe(initial[name]);
    }
  });
});

function currentConfig(): Record<string, unknown> {
  return {
    waves: [{ name: "all", hosts: "rest" }],
    concurrency: 2,
    confirmTimeout: "15s",
    activationTimeout: "6s",
    healthChecks: [{ type: "command", run: "sleep 2" }],
    ssh: {
      configFile: "/dev/null",
      identityFile: fleet.key.privateKey,
      knownHostsFile: `${fleet.dir}/known_hosts`,
      connectTimeout: "3s",
    },
  };
}

async function resumeOrApplyBothToTarget(): Promise<void> {
  const run = await runPaved(["rollout", "apply", "-C", fleet.dir]);
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
}

/** Direct children of a process, from /proc. */
function childrenOf(pid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (ppid === pid) out.push({ pid: Number(entry), comm: stat.slice(stat.indexOf("(") + 1, close) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}
