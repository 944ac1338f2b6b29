import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Rollout journals as paved's rollout step writes them (.paved/rollouts/ID.jsonl), for the report's history. */
type Rec = Record<string, unknown>;

function header(id: string, at: string, waves: { name: string; hosts: string[] }[]): Rec {
  const hosts = waves
    .flatMap((w) => w.hosts)
    .map((name) => ({
      name,
      address: name,
      user: "root",
      profile: "/nix/var/nix/profiles/system",
      stateDir: "/var/lib/paved",
      role: "staging",
      tags: [],
    }));
  return {
    type: "rollout",
    at,
    id,
    flake: ".",
    mode: "switch",
    hosts,
    waves: waves.map((w) => ({ ...w, bakeMs: 0, pause: false })),
    concurrency: 5,
    failureBudget: 0,
    healthTimeoutMs: 30000,
    confirmTimeoutMs: 120000,
    activationTimeoutMs: 600000,
    substituteOnDestination: false,
    ssh: {},
    healthChecks: [],
    retryMs: 1000,
  };
}

const host = (at: string, name: string, outcome: string, message?: string): Rec => ({
  type: "host",
  at,
  host: name,
  outcome,
  generation: 2,
  path: `/nix/store/${name}-system`,
  ...(message ? { message } : {}),
});
const wave = (at: string, index: number, phase: string, failed?: number): Rec => ({
  type: "wave",
  at,
  wave: index,
  phase,
  ...(failed === undefined ? {} : { failed }),
});

/** Three rollouts of the example: a clean one, one whose canary failed and rolled back, one cut off mid-write. */
export async function writeJournals(platform: string): Promise<string[]> {
  const dir = join(platform, ".paved", "rollouts");
  await mkdir(dir, { recursive: true });
  const waves = [
    { name: "canary", hosts: ["staging-1"] },
    { name: "rest", hosts: ["bastion-1", "wiki-1"] },
  ];
  const ok = "20261110T090000Z-a1b2";
  const bad = "20261117T100000Z-c3d4";
  const torn = "20261124T110000Z-e5f6";
  const lines = (records: Rec[]) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
  await writeFile(
    join(dir, `${ok}.jsonl`),
    lines([
      header(ok, "2026-11-10T09:00:00Z", waves),
      wave("2026-11-10T09:00:01Z", 0, "begin"),
      host("2026-11-10T09:01:00Z", "staging-1", "deployed"),
      wave("2026-11-10T09:01:01Z", 0, "end", 0),
      wave("2026-11-10T09:02:00Z", 1, "begin"),
      host("2026-11-10T09:03:00Z", "bastion-1", "deployed"),
      host("2026-11-10T09:03:10Z", "wiki-1", "deployed"),
      wave("2026-11-10T09:03:11Z", 1, "end", 0),
      { type: "end", at: "2026-11-10T09:03:12Z", outcome: "succeeded", message: "3 hosts deployed" },
    ]),
  );
  await writeFile(
    join(dir, `${bad}.jsonl`),
    lines([
      header(bad, "2026-11-17T10:00:00Z", waves),
      wave("2026-11-17T10:00:01Z", 0, "begin"),
      host("2026-11-17T10:02:00Z", "staging-1", "failed", "health check sshd.service: inactive"),
      wave("2026-11-17T10:02:01Z", 0, "rollback"),
      wave("2026-11-17T10:02:30Z", 0, "end", 1),
      host("2026-11-17T10:02:31Z", "bastion-1", "skipped"),
      host("2026-11-17T10:02:31Z", "wiki-1", "skipped"),
      {
        type: "end",
        at: "2026-11-17T10:02:32Z",
        outcome: "failed",
        message: "canary failed its health checks; rolled back",
      },
    ]),
  );
  // paved was killed while appending: the last line stops mid-record.
  await writeFile(
    join(dir, `${torn}.jsonl`),
    `${lines([header(torn, "2026-11-24T11:00:00Z", waves), wave("2026-11-24T11:00:01Z", 0, "begin")])}{"type":"step","at":"2026-11-24T11:00:0`,
  );
  return [ok, bad, torn];
}
