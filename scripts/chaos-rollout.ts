/**
 * Long chaos runs for rollouts (issue 14): a real sshd fleet, rollouts stopped at random points and by every
 * environment fault, the invariants checked after each stop, and a summary table at the end.
 *
 *   pnpm tsx scripts/chaos-rollout.ts --points 200 [--hosts 4] [--seed N] [--faults 2] [--minutes M]
 *
 * --faults N injects each fault (immutable journal, stolen lock, full journal disk, read-only journal directory,
 * frozen host) N times among the random stops. --minutes M (or Ctrl-C) ends the run early after the current stop
 * point; the table then covers the points run. Needs root (or passwordless sudo) for the tmpfs and chattr.
 * Exit 0 when every invariant held, 1 otherwise.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chaos, startChaosFleet, type Fault } from "../packages/rollout/test/_chaos.ts";
import { asRoot } from "../packages/rollout/test/_helpers.ts";

const { values } = parseArgs({
  options: {
    points: { type: "string", default: "200" },
    hosts: { type: "string", default: "4" },
    seed: { type: "string" },
    faults: { type: "string", default: "2" },
    minutes: { type: "string" },
  },
});
const points = Number(values.points);
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
const names = Array.from({ length: Number(values.hosts) }, (_, i) => `x${i + 1}`);
const faults: Fault[] = Array.from(
  { length: Number(values.faults) },
  () => ["EPERM", "LOCK", "ENOSPC", "EROFS", "FROZEN"] as Fault[],
).flat();
process.env.NIX_CONFIG = "substituters =\nexperimental-features = nix-command flakes";

console.log(`chaos: ${points} random stops + ${faults.length} faults on ${names.length} hosts, seed ${seed}`);
const fleet = await startChaosFleet(
  names,
  [
    { name: "canary", hosts: 1 },
    { name: "early", hosts: "25%" },
    { name: "rest", hosts: "rest" },
  ],
  "4m",
);
const rollouts = join(fleet.dir, ".paved", "rollouts");
const started = performance.now();
const budgetMs = values.minutes ? Number(values.minutes) * 60_000 : Infinity;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log("chaos: stopping after this point (Ctrl-C again to quit at once)");
  });
let summary;
try {
  const stop = () => interrupted || performance.now() - started > budgetMs;
  summary = await chaos({ fleet, names, seed, points, faults, tmpfs: true, stop, log: (line) => console.log(line) });
} finally {
  try {
    asRoot(["umount", rollouts]);
  } finally {
    for (const host of fleet.hosts) host.sshd?.process.kill("SIGCONT");
    await fleet.stop();
  }
}

const rows = new Map<
  string,
  { stops: number; violations: number; unreadable: number; exit70: number; ended: Map<string, number> }
>();
for (const p of summary.points) {
  const key = `${p.command} ${p.fault}`;
  const row = rows.get(key) ?? { stops: 0, violations: 0, unreadable: 0, exit70: 0, ended: new Map() };
  row.stops++;
  row.violations += p.violations.length;
  row.unreadable += p.unreadable ? 1 : 0;
  row.exit70 += p.exit70 ? 1 : 0;
  row.ended.set(p.ended, (row.ended.get(p.ended) ?? 0) + 1);
  rows.set(key, row);
}
const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.log(`\nseed ${seed}, ${summary.points.length} stop points in ${minutes} min`);
console.log("| command, stop | stops | invariant violations | unreadable journals | exit 70 | how they ended |");
console.log("|---|---|---|---|---|---|");
for (const [key, row] of [...rows].sort()) {
  console.log(
    `| ${key} | ${row.stops} | ${row.violations} | ${row.unreadable} | ${row.exit70} | ${[...row.ended].map(([k, v]) => `${k}: ${v}`).join(", ")} |`,
  );
}
const total = summary.points.reduce((n, p) => n + p.violations.length, 0);
console.log(
  `| total | ${summary.points.length} | ${total} | ${summary.points.filter((p) => p.unreadable).length} | ${summary.points.filter((p) => p.exit70).length} | |`,
);
console.log(
  `uncut resumes/rollbacks that converged: ${summary.converged}; that did not: ${summary.convergeFailures.length}`,
);
for (const failure of summary.convergeFailures) console.log(`  ${failure}`);
process.exitCode =
  total === 0 && summary.convergeFailures.length === 0 && summary.points.every((p) => !p.unreadable && !p.exit70)
    ? 0
    : 1;
