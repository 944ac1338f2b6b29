/**
 * Where captured environments live and what an entry records. Only node:fs and node:crypto here: this module is on
 * the warm path of `paved shell`, which must stay a few milliseconds over bare node.
 *
 * Layout (one directory per checkout, one per shell of it, one per input key):
 *   <cache>/shells/<checkout-id>/checkout.json     the checkout's path (for `paved gc`) and its paved.yaml digest
 *   <cache>/shells/<checkout-id>/<slot>/latest      id of the last environment captured successfully
 *   <cache>/shells/<checkout-id>/<slot>/<id>/       meta.json, env.json (nix print-dev-env --json), rc.sh,
 *                                                   profile -> profile-N-link -> /nix/store/…-env (a GC root)
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";

export const CACHE_FORMAT = 2;

/** `PAVED_CACHE_DIR`, else `$XDG_CACHE_HOME/paved`, else `~/.cache/paved`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  // Absolute: Nix gets paths inside it and runs in the flake's directory, not in this process's.
  if (env.PAVED_CACHE_DIR) return resolve(env.PAVED_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME?.startsWith("/") ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(xdg, "paved");
}

/**
 * A 128-bit content fingerprint (four multiply-xor lanes over the bytes, then avalanche mixing). Not cryptographic,
 * and it need not be: it only tells "this file changed" in the user's own cache. What it saves is loading
 * node:crypto, which alone costs several milliseconds of a warm `paved shell`.
 */
export function digest(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let h1 = 0x6a09e667 ^ bytes.length;
  let h2 = 0xbb67ae85;
  let h3 = 0x3c6ef372;
  let h4 = 0xa54ff53a;
  for (let i = 0; i < bytes.length; i++) {
    const k = bytes[i]!;
    h1 = h2 ^ Math.imul(h1 ^ k, 0x239b961b);
    h2 = h3 ^ Math.imul(h2 ^ k, 0xab0e9789);
    h3 = h4 ^ Math.imul(h3 ^ k, 0x38b34ae5);
    h4 = h1 ^ Math.imul(h4 ^ k, 0xa1e38b93);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 0x239b961b);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 0xab0e9789);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 0x38b34ae5);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 0xa1e38b93);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, "0")).join("");
}

/** Readable and unique: `myrepo-1a2b3c4d5e6f`. */
export function checkoutId(root: string): string {
  const name =
    basename(root)
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .slice(0, 40) || "root";
  return `${name}-${digest(root).slice(0, 12)}`;
}

/** A shell name is a valid directory name (paved.yaml restricts it); the nixpkgs override gets its own slot. */
export function slotName(shell: string, nixpkgs: string | undefined): string {
  return nixpkgs ? `${shell}@${digest(nixpkgs).slice(0, 8)}` : shell;
}

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** digest() of the content, "absent", or "racy" (changed while Nix was evaluating: never matches). */
  hash: string;
  /**
   * size, mtime, ctime and inode (statSignature) when the hash was taken; "" when that stat cannot be trusted to
   * mean "unchanged" (taken within two seconds of the file's last change, like git's racy-clean rule).
   */
  stat?: string;
}

export interface EntryMeta {
  format: number;
  /** The entry's directory name. */
  id: string;
  /** The cache key: digest of the inputs' content, the Nix binary, the system, the shell and the override. */
  key: string;
  root: string;
  shell: string;
  nixpkgs?: string;
  capturedAt: string;
  system: string;
  nix: { id: string; version: string };
  /** Every file the evaluation can read (see _readset.ts); a file whose stat changed is hashed again. */
  inputs: InputFile[];
  /** Files of the checkout Nix reported evaluating; kept so the read set can be worked out again without Nix. */
  evaluated?: string[];
  /** Directories the evaluation reads as a whole. */
  readDirs?: string[];
  /** Where a dependency on every tracked file comes from (`flake.nix:7:15: ./.`), when there is one. */
  wholeTree?: string;
  /** When set, a changed mtime of this git index means the list of tracked .nix files may have changed. */
  gitIndex?: { path: string; mtimeMs: number };
  /** Without git: directories whose listing is compared (a new .nix file changes their mtime). */
  dirs?: { path: string; mtimeMs: number }[];
  /** The `nix-shell-env` store path the profile roots. */
  storePath?: string;
  installable: string;
  /**
   * What Nix evaluated: a tree of this many files the shell can read (_source.ts), or the checkout itself, and why.
   */
  source?: { tree: number } | { checkout: string };
  command: string[];
}

export interface CheckoutMeta {
  format: number;
  root: string;
  /** Digest of paved.yaml and what paved read from it, so a warm entry does not parse YAML. */
  config?: { hash: string; dirs: [string, string][]; nixpkgsPath?: string };
}

export interface SlotPaths {
  checkoutDir: string;
  slotDir: string;
}

export function slotPaths(cache: string, root: string, slot: string): SlotPaths {
  const checkoutDir = join(cache, "shells", checkoutId(root));
  return { checkoutDir, slotDir: join(checkoutDir, slot) };
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** An entry without meta.json younger than this may be another process's capture still running. */
const CAPTURE_GRACE_MS = 60 * 60 * 1000;

/**
 * An entry directory without meta.json that changed within the grace period: a capture (by any process) not done
 * yet, which neither pruning nor `paved gc` may remove.
 */
export function captureInProgress(dir: string): boolean {
  const mtimeMs = statSync(dir, { throwIfNoEntry: false })?.mtimeMs;
  return mtimeMs !== undefined && Date.now() - mtimeMs < CAPTURE_GRACE_MS;
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Temp file and rename: a concurrent `paved shell` reads the old or the new file, never half of one. */
export function writeFileAtomicSync(path: string, content: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

export function readEntry(slotDir: string, id: string): EntryMeta | undefined {
  const meta = readJson<EntryMeta>(join(slotDir, id, "meta.json"));
  return meta && meta.format === CACHE_FORMAT && meta.id === id ? meta : undefined;
}

/** Every complete entry of a slot, the latest first. */
export function readEntries(slotDir: string): EntryMeta[] {
  const latest = readText(join(slotDir, "latest"))?.trim();
  let names: string[];
  try {
    names = readdirSync(slotDir);
  } catch {
    return [];
  }
  const entries = names.flatMap((name) => {
    const meta = readEntry(slotDir, name);
    return meta ? [meta] : [];
  });
  return entries.sort((a, b) => (a.id === latest ? -1 : b.id === latest ? 1 : a.capturedAt < b.capturedAt ? 1 : -1));
}
