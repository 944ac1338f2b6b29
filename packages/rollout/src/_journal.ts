/**
 * The rollout journal: JSON lines under the platform repository (.paved/rollouts/<id>.jsonl), each record
 * appended and fsync'd before paved moves on, so that after a crash the journal says, for every host, which
 * generation it is on (or, for a host caught mid-switch, the two it can be on and how the host decides).
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { PavedError } from "@paved/core";
import type { HealthCheckConfig, RolloutSettings } from "./_config.ts";
import { environment, journalFault } from "./_environment.ts";

export const JOURNAL_DIR = join(".paved", "rollouts");

export type StepName =
  | "probe"
  | "build"
  | "copy"
  | "arm"
  | "profile"
  | "activate"
  | "health"
  | "confirm"
  | "boot"
  | "rollback";

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
  /** A wave's hosts leased (and probed in the same call): how long that took, before any host was touched. */
  | { type: "lease"; at: string; wave: number; hosts: number; ms: number }
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
  | {
      type: "host";
      at: string;
      host: string;
      outcome: HostOutcome;
      generation: number | null;
      path: string;
      message?: string;
    }
  | { type: "end"; at: string; outcome: RolloutOutcome; message: string }
  | { type: "rollback"; at: string; phase: "begin" | "end"; outcome?: RolloutOutcome }
  /**
   * paved lost the host mid-switch or mid-rollback: it is on one of the generations the journal names, and its
   * guard (when `deadline` is set) decides by then. Settled by the next resume or rollback that reaches it.
   */
  | { type: "uncertain"; at: string; host: string; attempt: number; reason: string; deadline?: string }
  /** The journal had a torn tail (line `line`, `bytes` long at `offset`); it was cut off before appending. */
  | { type: "repair"; at: string; line: number; offset: number; bytes: number; pid: number };

export type RolloutOutcome = "succeeded" | "failed" | "paused" | "rolled-back";

export function journalPath(dir: string, id: string): string {
  return join(dir, JOURNAL_DIR, `${id}.jsonl`);
}

export function newRolloutId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * An open journal. A record is complete once its closing newline is on disk: `append` writes record and newline
 * together and fsyncs before it returns; if that fails, it cuts the file back to where the record began, so a
 * failed append never leaves a fragment for the next process to glue onto. Once an append failed the journal is
 * broken: every later append throws the same error, so no host is driven past what the journal can say.
 */
export class Journal {
  readonly path: string;
  private fd: number;
  private lock: string;
  private size: number;
  private lockText: string;
  /** The error that broke the journal, if one did. */
  broken?: PavedError;
  /** Called once when the journal breaks (the rollout stops driving hosts). */
  onBroken?: (error: PavedError) => void;

  private constructor(path: string, fd: number, lock: string, lockText: string) {
    this.path = path;
    this.fd = fd;
    this.lock = lock;
    this.lockText = lockText;
    this.size = fstatSync(fd).size;
  }

  /**
   * Opens (creating when `create`) the journal of rollout `id` and takes its lock. An existing journal with a torn
   * tail (a record cut short by a crash or a full disk) is cut back to its last complete record first, and the
   * repair is journaled.
   */
  static open(dir: string, id: string, create: boolean): Journal {
    const path = journalPath(dir, id);
    if (!create && !existsSync(path)) throw unknownRollout(dir, id);
    return environment(path, () => {
      mkdirSync(join(dir, JOURNAL_DIR), { recursive: true });
      const lock = `${path}.lock`;
      const lockText = takeLock(lock, id);
      let fd: number;
      try {
        fd = openSync(path, create ? "wx" : "r+");
      } catch (error) {
        releaseLock(lock, lockText);
        throw error;
      }
      const journal = new Journal(path, fd, lock, lockText);
      if (!create) {
        try {
          journal.repair();
        } catch (error) {
          journal.close();
          throw error;
        }
      }
      return journal;
    });
  }

  private repair(): void {
    const torn = tornTail(readFileSync(this.path, "utf8"));
    if (!torn) return;
    ftruncateSync(this.fd, torn.offset);
    fsyncSync(this.fd);
    this.size = torn.offset;
    this.append({ type: "repair", at: new Date().toISOString(), ...torn, pid: process.pid });
  }

  append(record: JournalRecord): void {
    if (this.broken) throw this.broken;
    const data = Buffer.from(`${JSON.stringify(record)}\n`);
    const offset = this.size;
    try {
      this.checkLock();
      let done = 0;
      // A short write (a disk filling up) is not an error by itself; keep going until it is one.
      while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
      fsyncSync(this.fd);
      this.size = offset + data.length;
    } catch (error) {
      try {
        ftruncateSync(this.fd, offset);
        fsyncSync(this.fd);
      } catch {
        // Cannot cut it (read-only, immutable): the fragment has no newline, so every reader ignores it and the
        // next process to open the journal cuts it.
      }
      this.broken = journalFault(this.path, error);
      this.onBroken?.(this.broken);
      throw this.broken;
    }
  }

  /** The lock must still be ours: another process that took it over would be journaling the same rollout. */
  private checkLock(): void {
    let text = "";
    try {
      text = readFileSync(this.lock, "utf8");
    } catch {
      // gone: reported below
    }
    if (text !== this.lockText) {
      throw new PavedError(
        "E_ROLLOUT_LOCK_LOST",
        `Lost the lock of ${this.path}: ${text ? `it now says ${JSON.stringify(text.trim())}` : "the lock file was removed"}.`,
        {
          hint: "Another process took over this rollout, or someone removed the lock. Stop here; check `paved rollout status ID --probe`, then resume from one place.",
          details: { lock: this.lock },
        },
      );
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    releaseLock(this.lock, this.lockText);
  }
}

function takeLock(lock: string, id: string): string {
  const text = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return text;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        try {
          unlinkSync(lock);
        } catch {
          // never created
        }
        throw error;
      }
      const [pidText = "", host = hostname()] = readFileSync(lock, "utf8").trim().split(/\s+/);
      const pid = Number(pidText);
      if (pid && pid !== process.pid && (host !== hostname() || alive(pid))) {
        throw new PavedError(
          "E_ROLLOUT_LOCKED",
          `Rollout ${id} is being run by process ${pid}${host !== hostname() ? ` on ${host}` : ""}.`,
          {
            hint: "Wait for it to finish, or stop that process first; its journal stays consistent either way.",
            details: { pid, host },
          },
        );
      }
      unlinkSync(lock);
    }
  }
  throw new PavedError("E_ROLLOUT_LOCKED", `Rollout ${id}: another process took the lock at the same moment.`, {
    hint: "Run one paved per rollout.",
  });
}

function releaseLock(lock: string, text: string): void {
  try {
    // Only our own lock: a process that took it over keeps it.
    if (readFileSync(lock, "utf8") === text) unlinkSync(lock);
  } catch {
    // already gone
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

export interface JournalRead {
  records: JournalRecord[];
  /** Bytes after the last newline: a record cut short (a crash or a full disk mid-write). Never acted on. */
  torn?: { line: number; offset: number; bytes: number };
}

/**
 * The one definition of a journal's contents, shared by every reader: each newline-terminated line is a record
 * and must be JSON; whatever follows the last newline is a torn tail — ignored, reported, and cut off by the next
 * process that appends.
 */
export function parseJournal(path: string, text: string): JournalRead {
  const end = text.lastIndexOf("\n") + 1;
  const lines = text.slice(0, end).split("\n");
  const records: JournalRecord[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (cause) {
      throw new PavedError("E_ROLLOUT_JOURNAL", `${path}:${index + 1}: not a JSON record`, {
        hint: "The journal was edited or corrupted; restore it from backup or inspect the hosts by hand (docs/step-5-rollouts.md).",
        cause,
      });
    }
  });
  const header = records[0];
  if (header?.type !== "rollout") {
    throw new PavedError("E_ROLLOUT_JOURNAL", `${path}: the first record is not a rollout header`, {
      hint: "The journal is damaged; see docs/step-5-rollouts.md for recovering hosts by hand.",
    });
  }
  return { records, torn: tornTail(text) };
}

function tornTail(text: string): JournalRead["torn"] {
  const end = text.lastIndexOf("\n") + 1;
  if (end === text.length) return undefined;
  return {
    line: text.slice(0, end).split("\n").length,
    offset: Buffer.byteLength(text.slice(0, end)),
    bytes: Buffer.byteLength(text.slice(end)),
  };
}

/** Every record of a journal, and its torn tail if it has one. */
export function readJournalFile(dir: string, id: string): JournalRead {
  const path = journalPath(dir, id);
  if (!existsSync(path)) throw unknownRollout(dir, id);
  return parseJournal(
    path,
    environment(path, () => readFileSync(path, "utf8")),
  );
}

/** Every complete record of a journal (a torn tail is ignored: it was never acted on). */
export function readJournal(dir: string, id: string): JournalRecord[] {
  return readJournalFile(dir, id).records;
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
