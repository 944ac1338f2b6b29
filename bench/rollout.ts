/**
 * Rollout orchestration overhead: a real rollout (real sshd on 127.0.0.1, real Nix profiles, fixture systems)
 * of N simulated hosts at concurrency 10, against the per-host SSH and Nix work the journal records.
 *
 * work    = for every host, the sum of its steps' durations (the SSH and Nix child processes), plus each
 *           wave's one `nix build` and its lease round (one SSH call per host that also answers the probe);
 * ideal   = the wall time those durations need when scheduled exactly as paved schedules them (waves in
 *           sequence, hosts of a wave on `concurrency` lanes in start order) with zero time in between;
 * overhead = (wall − ideal) / wall: what paved itself adds (scheduling, journal fsyncs, bookkeeping).
 * Hosts share 10 sshd servers, each host with its own profile path.
 */
import { applyRollout, readJournal } from "../packages/rollout/src/index.ts";
import { startFleet } from "../fixtures/rollout/fleet.ts";

const CONCURRENCY = 10;

function makespan(durations: number[], lanes: number): number {
  const free = Array.from({ length: lanes }, () => 0);
  for (const d of durations) {
    const i = free.indexOf(Math.min(...free));
    free[i]! += d;
  }
  return Math.max(0, ...free);
}

async function measure(hosts: number): Promise<{ wall: number; ideal: number; work: number; leases: number }> {
  const fleet = await startFleet({
    hosts: Array.from({ length: hosts }, (_, i) => ({ name: `h${i + 1}` })),
    servers: Math.min(hosts, 10),
    shared: true,
  });
  try {
    fleet.writeConfig({
      waves: [
        { name: "canary", hosts: 1 },
        { name: "early", hosts: "25%" },
        { name: "rest", hosts: "rest" },
      ],
      concurrency: CONCURRENCY,
      confirmTimeout: "60s",
    });
    const started = performance.now();
    const result = await applyRollout({ dir: fleet.dir });
    const wall = performance.now() - started;
    if (result.outcome !== "succeeded") throw new Error(`bench rollout ${result.outcome}: ${result.state.message}`);
    const records = readJournal(fleet.dir, result.id);
    let ideal = 0;
    let work = 0;
    let leases = 0;
    for (const wave of result.state.header.waves) {
      const perHost = new Map<string, number>();
      let build = 0;
      const waveIndex = result.state.header.waves.indexOf(wave);
      const lease = records.find((r) => r.type === "lease" && r.wave === waveIndex);
      const leaseMs = lease?.type === "lease" ? lease.ms : 0;
      for (const r of records) {
        if (r.type !== "step" || r.phase === "begin" || !wave.hosts.includes(r.host)) continue;
        if (r.step === "build") build = Math.max(build, r.ms ?? 0);
        else perHost.set(r.host, (perHost.get(r.host) ?? 0) + (r.ms ?? 0));
      }
      // start order = the order the hosts' probes began
      const order = records
        .filter((r) => r.type === "step" && r.step === "probe" && r.phase === "begin" && wave.hosts.includes(r.host))
        .map((r) => (r.type === "step" ? r.host : ""));
      const durations = order.map((h) => perHost.get(h) ?? 0);
      leases += leaseMs;
      ideal += leaseMs + build + makespan(durations, CONCURRENCY);
      work += leaseMs + build + durations.reduce((a, b) => a + b, 0);
    }
    return { wall, ideal, work, leases };
  } finally {
    await fleet.stop();
  }
}

export async function benchRollout(): Promise<string[]> {
  process.env.NIX_CONFIG ??= "substituters =\nexperimental-features = nix-command flakes";
  const sizes = (process.env.PAVED_BENCH_ROLLOUT_SIZES ?? "10,50,200").split(",").map(Number);
  const lines: string[] = [];
  const walls: [number, number][] = [];
  for (const n of sizes) {
    const { wall, ideal, work, leases } = await measure(n);
    walls.push([n, wall]);
    const overhead = ((wall - ideal) / wall) * 100;
    lines.push(
      `rollout ${n} hosts @${CONCURRENCY}: wall ${(wall / 1000).toFixed(1)} s / ideal ${(ideal / 1000).toFixed(1)} s (SSH+Nix work ${(work / 1000).toFixed(1)} s, of it lease rounds ${(leases / 1000).toFixed(1)} s) = orchestration overhead ${overhead.toFixed(1)}%${n === 50 ? " (goal < 10%)" : ""}`,
    );
  }
  const [base] = walls;
  if (base) {
    lines.push(
      `rollout wall time growth: ${walls.map(([n, w]) => `${n} hosts ${(w / base[1]).toFixed(2)}x (${(w / n).toFixed(0)} ms/host)`).join(", ")}`,
    );
  }
  return lines;
}
