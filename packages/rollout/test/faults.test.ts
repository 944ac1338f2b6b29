/**
 * Faults of the machine paved runs on, injected for real at an exact step of a real rollout (the CLI against the
 * sshd fleet): a full disk (the journal directory on a tiny tmpfs, then filled), an immutable journal (chattr +i),
 * a read-only journal directory (a read-only bind mount), and a lock taken over by someone else (the lock file
 * rewritten). Each must end with its own error code, exit 1 and a hint — never exit 70 — with every host on a
 * generation the journal allows and no guard left pending, and the rollout must resume to the end afterwards.
 * Mounting and chattr need root (or passwordless sudo), as CI has.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { foldJournal, journalPath, listRollouts, readJournal, readJournalFile } from "@paved/rollout";
import { diskTmpDir, startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { asRoot, PAVED_BIN, requireTools, runPaved, settleOpenRollouts, TOOLS, type PavedRun } from "./_helpers.ts";
import { violations } from "./_invariants.ts";

const names = ["f1", "f2", "f3"];
let fleet: Fleet;
let version = 0;
const rollouts = () => join(fleet.dir, ".paved", "rollouts");

beforeAll(async () => {
  requireTools(...TOOLS, "mount", "umount", "chattr");
  if (!existsSync(PAVED_BIN)) throw new Error(`the CLI bundle is missing: ${PAVED_BIN}`);
  fleet = await startFleet({ hosts: names.map((name) => ({ name })), parentDir: diskTmpDir() });
  fleet.writeConfig({
    waves: [{ name: "all", hosts: "rest" }],
    concurrency: 3,
    // short, so the guards settle quickly, but well above health checks plus a few SSH logins on a loaded machine
    confirmTimeout: "20s",
    activationTimeout: "6s",
    // slow enough that every host is mid-switch (armed, activated, unconfirmed) when a fault is injected
    healthChecks: [{ type: "command", run: 'sleep 2; test -e "$PAVED_TEST_HOST_DIR/current-system/healthy"' }],
  });
});
/** Undoes what a failed test may have left on the journal directory: its mounts (up to two) and immutable flags. */
function releaseJournalDir(): void {
  const where = JSON.stringify(rollouts());
  execFileSync("sh", ["-c", `umount ${where} 2>/dev/null; umount ${where} 2>/dev/null; chattr -R -i ${where}; true`]);
}
afterAll(async () => {
  if (fleet) releaseJournalDir();
  await fleet?.stop();
});
// A failed test may leave its rollout open, whose leases would then fail every test after it: one failure, not three.
afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || !fleet) return;
  releaseJournalDir();
  const settled = await settleOpenRollouts(fleet.dir);
  if (settled.length > 0) console.log(`settled after the failure: ${settled.join("; ")}`);
});

function nextTargets(): Record<string, string> {
  version++;
  for (const name of names) fleet.setTarget(name, { packages: { hello: `4.${version}`, openssl: "3.0.1" } });
  return Object.fromEntries(names.map((n) => [n, fleet.inspect(n).path]));
}

function errorOf(
  run: PavedRun,
): Record<string, unknown> & { code: string; hint?: string; id: string; restored: string[] } {
  return JSON.parse(run.stdout).error;
}

/** Runs apply and calls `fault` once, when the first host begins its health checks (every host is mid-switch). */
async function applyWithFault(
  fault: (child: import("node:child_process").ChildProcess) => void,
): Promise<{ run: PavedRun; first: string }> {
  let first = "";
  const run = await runPaved(["rollout", "apply", "-C", fleet.dir], (event, child) => {
    if (!first && event.type === "host" && event.phase === "health") {
      first = String(event.host);
      fault(child);
    }
  });
  return { run, first };
}

async function resumeToTheEnd(id: string): Promise<void> {
  const resumed = await runPaved(["rollout", "resume", id, "-C", fleet.dir]);
  expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
  const state = foldJournal(readJournal(fleet.dir, id));
  expect(state.outcome).toBe("succeeded");
  for (const name of names) {
    const view = fleet.inspect(name);
    expect([name, view.path, view.current, view.bootDefault]).toEqual([
      name,
      fleet.targetPath(name),
      fleet.targetPath(name),
      fleet.targetPath(name),
    ]);
  }
}

/** After an environment error: exit 1 with its code, the journal readable with no torn tail, every host settled. */
function expectStopped(run: PavedRun, code: string, initial: Record<string, string>, first: string): string {
  expect(run.code, run.stderr.slice(-2000)).toBe(1);
  const error = errorOf(run);
  expect(error.code).toBe(code);
  expect(error.hint).toMatch(/paved rollout resume \S+/);
  expect(run.stderr).not.toContain("E_INTERNAL");
  const id = error.id;
  expect(listRollouts(fleet.dir)).toContain(id);
  expect(readJournalFile(fleet.dir, id).torn).toBeUndefined();
  // The host whose step hit the fault was put back on its probed generation by paved itself, not left to its guard.
  expect(error.restored).toContain(first);
  expect(fleet.inspect(first).path).toBe(initial[first]);
  expect(fleet.inspect(first).current).toBe(initial[first]);
  expect(violations(fleet, id, initial, { settled: true })).toEqual([]);
  return id;
}

describe("environment faults under the journal", () => {
  it("a full disk (ENOSPC on a real tmpfs): E_DISK_FULL, hosts put back, no half record, resumable", async () => {
    const initial = nextTargets();
    mkdirSync(rollouts(), { recursive: true });
    asRoot(["mount", "-t", "tmpfs", "-o", "size=64k", "paved-test", rollouts()]);
    try {
      const { run, first } = await applyWithFault(() => {
        // Fill every free page: the journal's next record that needs a new page fails half-written.
        execFileSync("sh", [
          "-c",
          `dd if=/dev/zero of=${JSON.stringify(join(rollouts(), "filler"))} bs=1024 2>/dev/null; true`,
        ]);
      });
      expect(run.code, run.stderr.slice(-2000)).toBe(1);
      const error = errorOf(run);
      expect(error).toMatchObject({ code: "E_DISK_FULL", errno: "ENOSPC" });
      const id = error.id as string;
      expect(readJournalFile(fleet.dir, id).torn).toBeUndefined();
      expect(readFileSync(journalPath(fleet.dir, id), "utf8").endsWith("\n")).toBe(true);
      expect(violations(fleet, id, initial, { settled: true })).toEqual([]);
      expect(first).not.toBe("");
      // Free the space (the journal stays on the tmpfs) and finish the rollout.
      rmSync(join(rollouts(), "filler"));
      await resumeToTheEnd(id);
    } finally {
      const keep = readdir();
      asRoot(["umount", rollouts()]);
      restore(keep);
    }
  });

  it("an immutable journal (chattr +i, EPERM): E_PERMISSION, the host mid-switch put back, resumable", async () => {
    const initial = nextTargets();
    const known = new Set(listRollouts(fleet.dir));
    const { run, first } = await applyWithFault(() => {
      const id = listRollouts(fleet.dir).find((r) => !known.has(r))!;
      asRoot(["chattr", "+i", journalPath(fleet.dir, id)]);
    });
    const id = errorOf(run).id;
    try {
      expectStopped(run, "E_PERMISSION", initial, first);
    } finally {
      asRoot(["chattr", "-i", journalPath(fleet.dir, id)]);
    }
    await resumeToTheEnd(id);
  });

  it("a lock taken over by another process: E_ROLLOUT_LOCK_LOST, the host mid-switch put back, resumable", async () => {
    const initial = nextTargets();
    const known = new Set(listRollouts(fleet.dir));
    const { run, first } = await applyWithFault(() => {
      const id = listRollouts(fleet.dir).find((r) => !known.has(r))!;
      writeFileSync(`${journalPath(fleet.dir, id)}.lock`, "1 another-machine\n");
    });
    const id = expectStopped(run, "E_ROLLOUT_LOCK_LOST", initial, first);
    // The other holder's lock is left alone; once it is gone, the rollout resumes.
    expect(readFileSync(`${journalPath(fleet.dir, id)}.lock`, "utf8")).toBe("1 another-machine\n");
    rmSync(`${journalPath(fleet.dir, id)}.lock`);
    await resumeToTheEnd(id);
  });

  it("a read-only journal directory (EROFS bind mount): resume refuses with E_READ_ONLY and touches no host", async () => {
    const initial = nextTargets();
    // Stop a rollout with SIGTERM mid-switch, then make its journal read-only.
    const { run } = await applyWithFault((child) => child.kill("SIGTERM"));
    expect(run.code, run.stderr.slice(-2000)).toBe(143);
    const error = errorOf(run);
    const id = error.id;
    expect(error.code).toBe("E_ROLLOUT_INTERRUPTED");
    expect(run.stderr).toContain(`paved rollout resume ${id}`);
    // the hosts mid-switch are journaled uncertain with the moment their guards decide
    const uncertain = readJournal(fleet.dir, id).filter((r) => r.type === "uncertain");
    expect(uncertain.length).toBeGreaterThan(0);
    expect(uncertain.map((r) => r.type === "uncertain" && r.deadline)).toEqual(uncertain.map(() => error.deadline));
    // let the guards settle them, so that nothing but a resume could move a host from here on
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(String(error.deadline)) - Date.now()) + 4000));
    expect(violations(fleet, id, initial, { settled: true })).toEqual([]);
    const before = Object.fromEntries(names.map((n) => [n, fleet.inspect(n).path]));
    asRoot(["mount", "--bind", rollouts(), rollouts()]);
    try {
      asRoot(["mount", "-o", "remount,bind,ro", rollouts()]);
      const resumed = await runPaved(["rollout", "resume", id, "-C", fleet.dir]);
      expect(resumed.code, resumed.stderr).toBe(1);
      expect(errorOf(resumed)).toMatchObject({ code: "E_READ_ONLY", errno: "EROFS" });
      expect(errorOf(resumed).hint).toMatch(/read-write/);
      for (const n of names) expect(fleet.inspect(n).path).toBe(before[n]);
      // status still reads it
      const status = await runPaved(["rollout", "status", id, "-C", fleet.dir]);
      expect(status.code).toBe(0);
    } finally {
      asRoot(["umount", rollouts()]);
    }
    expect(violations(fleet, id, initial)).toEqual([]);
    await resumeToTheEnd(id);
  });
});

// The tmpfs hides the journals written before it was mounted; they are copied back after the unmount.
function readdir(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(rollouts())
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => [f, readFileSync(join(rollouts(), f), "utf8")]),
  );
}
function restore(files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) writeFileSync(join(rollouts(), f), text);
}
