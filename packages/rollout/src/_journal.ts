/**
 * The rollout journal: JSON lines under the platform repository (.paved/rollouts/<id>.jsonl), each record
 * appended and fsync'd before paved moves on, so that after a crash the journal says, for every host, which
 * generation it is on (or, for a host caught mid-switch, the two it can be on and how the host decides).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { PavedError } from "@paved/core";
import type { HealthCheckConfig, RolloutSettings } from "./_config.ts";

export const JOURNAL_DIR = join(".paved", "rollouts");

export type StepName = "probe" | "build" | "copy" | "arm" | "profile" | "activate" | "health" | "confirm" | "boot" | "rollback";

export interface Generation {
  generation: number | null;
  path: string;
}

export interface JournalHost {
  name: string;
  address: string;
  user: string;
  port?: number;
  profile: string;
  stateDir: string;
  role: string;
  tags: string[];
  /** The host's Nix store when not its default (rollout.remoteStore). */
  store?: string;
}

export interface RolloutHeader {
  type: "rollout";
  at: string;
  id: string;
  flake: string;
  mode: "switch" | "boot" | "test";
  hosts: JournalHost[];
  waves: { name: string; hosts: string[]; bakeMs: number; pause: boolean }[];
  concurrency: number;
  failureBudget: number;
  healthTimeoutMs: number;
  confirmTimeoutMs: number;
  activationTimeoutMs: number;
  buildHost?: string;
  substituteOnDestination: boolean;
  /** The team binary cache (paved.yaml cache:): where new closures are pushed once, and what hosts fetch from. */
  cache?: RolloutCache;
  /** How paved reached the hosts and checked them, so resume and rollback act the same way. */
  ssh: RolloutSettings["ssh"];
  /** Extra flake arguments (--override-input …) used to evaluate the hosts. */
  nixArgs?: string[];
  healthChecks: HealthCheckConfig[];
  retryMs: number;
}

export type HostOutcome =
  /** On the target and the boot default (or, in test mode, active). */
  | "deployed"
  /** Already ran the target; nothing was changed. */
  | "unchanged"
  /** Failed and paved put it back on its previous generation. */
  | "failed"
  /** paved did not confirm in time; the guard on the host rolled it back. */
  | "rolled-back-by-guard"
  /** switch-to-configuration said 100: the change needs a reboot; put back on the previous generation. */
  | "reboot-needed"
  /** Deployed, then returned to the previous generation because its wave failed or `rollout rollback` ran. */
  | "rolled-back"
  /** Not reached: the rollout stopped first. */
  | "skipped";

export interface RolloutCache {
  /** Store URL pushes go to (never carries the key; see signingKeyFile); undefined for a read-only cache. */
  pushTo?: string;
  /** Path of the private signing key on this machine (nix store sign --key-file); the key itself is never journaled. */
  signingKeyFile?: string;
}

export type JournalRecord =
  /** New closures pushed to the team cache once per rollout; bytes are the NAR sizes this machine sent. */
  | { type: "cache"; at: string; to: string; paths: number; bytes: number; ms: number }
  | RolloutHeader
  | { type: "resume"; at: string; pid: number }
  | { type: "wave"; at: string; wave: number; phase: "begin" | "end" | "rollback" | "bake" | "paused"; failed?: number }
  | {
      type: "step";
      at: string;
      host: string;
      attempt: number;
      step: StepName;
      phase: "begin" | "end" | "fail";
      ms?: number;
      data?: Record<string, unknown>;
      error?: string;
    }
  | { type: "host"; at: string; host: string; outcome: HostOutcome; generation: number | null; path: string; message?: string }
  | { type: "end"; at: string; outcome: RolloutOutcome; message: string }
  | { type: "rollback"; at: string; phase: "begin" | "end"; outcome?: RolloutOutcome };

export type RolloutOutcome = "succeeded" | "failed" | "paused" | "rolled-back";

export function journalPath(dir: string, id: string): string {
  return join(dir, JOURNAL_DIR, `${id}.jsonl`);
}

export function newRolloutId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** An open journal: every append is written and fsync'd before it returns. */
export class Journal {
  readonly path: string;
  private fd: number;
  private lock: string;

  private constructor(path: string, fd: number, lock: string) {
    this.path = path;
    this.fd = fd;
    this.lock = lock;
  }

  /** Opens (creating when `create`) the journal of rollout `id` and takes its lock. */
  static open(dir: string, id: string, create: boolean): Journal {
    const path = journalPath(dir, id);
    if (!create && !existsSync(path)) throw unknownRollout(dir, id);
    mkdirSync(join(dir, JOURNAL_DIR), { recursive: true });
    const lock = `${path}.lock`;
    takeLock(lock, id);
    const fd = openSync(path, create ? "wx" : "a");
    return new Journal(path, fd, lock);
  }

  append(record: JournalRecord): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
    try {
      unlinkSync(this.lock);
    } catch {
      // already gone
    }
  }
}

function takeLock(lock: string, id: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(lock, "utf8"));
      if (pid && pid !== process.pid && alive(pid)) {
        throw new PavedError("E_ROLLOUT_LOCKED", `Rollout ${id} is being run by process ${pid}.`, {
          hint: "Wait for it to finish, or stop that process first; its journal stays consistent either way.",
          details: { pid },
        });
      }
      unlinkSync(lock);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function unknownRollout(dir: string, id: string): PavedError {
  return new PavedError("E_ROLLOUT_UNKNOWN", `No rollout ${id} in ${join(dir, JOURNAL_DIR)}.`, {
    hint: "List rollouts with `paved rollout status`.",
  });
}

/** Every record of a journal. A torn last line (a crash mid-write) is ignored; it was never acted on. */
export function readJournal(dir: string, id: string): JournalRecord[] {
  const path = journalPath(dir, id);
  if (!existsSync(path)) throw unknownRollout(dir, id);
  const records: JournalRecord[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (cause) {
      if (index < lines.length - 2) {
        throw new PavedError("E_ROLLOUT_JOURNAL", `${path}:${index + 1}: not a JSON record`, {
          hint: "The journal was edited or corrupted; restore it from backup or inspect the hosts by hand (docs/step-5-rollouts.md).",
          cause,
        });
      }
    }
  });
  const header = records[0];
  if (!header || header.type !== "rollout") {
    throw new PavedError("E_ROLLOUT_JOURNAL", `${path}: the first record is not a rollout header`, {
      hint: "The journal is damaged; see docs/step-5-rollouts.md for recovering hosts by hand.",
    });
  }
  return records;
}

/** Rollout ids under the repository, oldest first (ids start with a UTC timestamp). */
export function listRollouts(dir: string): string[] {
  const where = join(dir, JOURNAL_DIR);
  if (!existsSync(where)) return [];
  return readdirSync(where)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => f.slice(0, -".jsonl".length))
    .sort();
}
