/**
 * A bounded chaos run in the suite: 20 random stop points (SIGKILL, SIGTERM, SIGINT) across `apply`, chained
 * `resume`s and `rollback`, plus each environment fault once (immutable journal, stolen lock, full journal disk,
 * read-only journal directory, frozen host). The seed is printed; PAVED_CHAOS_SEED replays a run and
 * PAVED_CHAOS_POINTS changes its length. Long runs: `pnpm tsx scripts/chaos-rollout.ts --points 200`.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fleet } from "../../../fixtures/rollout/fleet.ts";
import { chaos, startChaosFleet } from "./_chaos.ts";
import { asRoot, requireTools, TOOLS } from "./_helpers.ts";

const names = ["c1", "c2"];
let fleet: Fleet;
let mounted = false;

beforeAll(async () => {
  requireTools(...TOOLS, "mount", "umount", "chattr");
  // the journals live on a small tmpfs, so "disk full" is a real ENOSPC
  fleet = await startChaosFleet(
    names,
    [
      { name: "canary", hosts: 1 },
      { name: "rest", hosts: "rest" },
    ],
    "1m",
  );
  mounted = true;
});
afterAll(async () => {
  try {
    if (mounted) asRoot(["umount", join(fleet.dir, ".paved", "rollouts")]);
  } finally {
    for (const host of fleet?.hosts ?? []) host.sshd?.process.kill("SIGCONT");
    await fleet?.stop();
  }
});

describe("chaos: rollouts stopped at random points and by every fault", () => {
  it("keeps every host on a generation the journal allows, and every journal readable and resumable", async () => {
    const seed = Number(process.env.PAVED_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    // 20 by default (about two and a half minutes on 2 cores); PAVED_CHAOS_POINTS or the script for more
    const points = Number(process.env.PAVED_CHAOS_POINTS ?? 20);
    const lines: string[] = [];
    console.log(`chaos seed ${seed} (replay with PAVED_CHAOS_SEED=${seed})`);
    const summary = await chaos({
      fleet,
      names,
      seed,
      points,
      faults: ["EPERM", "LOCK", "ENOSPC", "EROFS", "FROZEN"],
      tmpfs: true,
      log: (l) => lines.push(l),
    });
    const report = `seed ${seed}\n${lines.join("\n")}`;
    console.log(report);
    expect(summary.points.length, report).toBe(points + 5);
    expect(
      summary.points.flatMap((p) => p.violations),
      report,
    ).toEqual([]);
    expect(
      summary.points.filter((p) => p.unreadable),
      report,
    ).toEqual([]);
    expect(
      summary.points.filter((p) => p.exit70),
      report,
    ).toEqual([]);
    expect(summary.convergeFailures, report).toEqual([]);
    expect(summary.converged, report).toBeGreaterThan(0);
  }, 600_000);
});
