/**
 * Where captured environments live and what an entry records. Only node:fs and node:crypto here: this module is on
 * the warm path of `paved shell`, which must stay a few milliseconds over bare node.
 *
 * Layout (one directory per checkout, one per shell of it, one per input key):
 *   <cache>/shells/<checkout-id>/checkout.json     the checkout's path (for `paved gc`) and its paved.yaml digest
 *   <cache>/shells/<checkout-id>/<slot>/latest      key of the last environment captured successfully
 *   <cache>/shells/<checkout-id>/<slot>/<key>/      meta.json, env.json (nix print-dev-env --json), rc.sh,
 *                                                   profile -> profile-N-link -> /nix/store/…-env (a GC root)
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";

export const CACHE_FORMAT = 1;

/** `PAVED_CACHE_DIR`, else `$XDG_CACHE_HOME/paved`, else `~/.cache/paved`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PAVED_CACHE_DIR) return env.PAVED_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith("/") ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(xdg, "paved");
}

export function digest(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Readable and unique: `myrepo-1a2b3c4d5e6f`. */
export function checkoutId(root: string): string {
  const name = basename(root).replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40) || "root";
  return `${name}-${digest(root).slice(0, 12)}`;
}

/** A shell name is a valid directory name (paved.yaml restricts it); the nixpkgs override gets its own slot. */
export function slotName(shell: string, nixpkgs: string | undefined): string {
  return nixpkgs ? `${shell}@${digest(nixpkgs).slice(0, 8)}` : shell;
}

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** sha256 of the content, or "absent". */
  hash: string;
}

export interface EntryMeta {
  format: number;
  key: string;
  root: string;
  shell: string;
  nixpkgs?: string;
  capturedAt: string;
  system: string;
  nix: { id: string; version: string };
  /** Every file the environment was evaluated from; re-hashed on each entry. */
  inputs: InputFile[];
  /** When set, a changed mtime of this git index means the list of tracked .nix files may have changed. */
  gitIndex?: { path: string; mtimeMs: number };
  /** Without git: directories whose listing is compared (a new .nix file changes their mtime). */
  dirs?: { path: string; mtimeMs: number }[];
  /** The `nix-shell-env` store path the profile roots. */
  storePath?: string;
  installable: string;
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

export function readEntry(slotDir: string, key: string): EntryMeta | undefined {
  const meta = readJson<EntryMeta>(join(slotDir, key, "meta.json"));
  return meta && meta.format === CACHE_FORMAT && meta.key === key ? meta : undefined;
}
