/**
 * The cache key: content of every input file, the Nix binary, the system, the shell and the nixpkgs override.
 * Nothing here starts a process; finding the Nix binary is a PATH walk and a stat, because the Nix version is part
 * of the key and asking `nix --version` would cost a process on every warm entry.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { digest, type InputFile } from "./_cache.ts";

/** The `nix` that would run: PAVED_NIX, else the first executable `nix` on PATH (as bash's `hash nix` finds it). */
export function nixCandidate(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.PAVED_NIX
    ? [env.PAVED_NIX]
    : (env.PATH ?? "")
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, "nix"));
  for (const candidate of candidates) {
    try {
      const stat = statSync(candidate);
      if (stat.isFile() && (env.PAVED_NIX || (stat.mode & 0o111) !== 0)) return candidate;
    } catch {}
  }
  return undefined;
}

/** That `nix`, identified by its real path, size and mtime. */
export function nixIdentity(env: NodeJS.ProcessEnv = process.env): string {
  const candidate = nixCandidate(env);
  if (!candidate) return "missing";
  try {
    const stat = statSync(candidate);
    return `${realpathSync(candidate)}:${stat.size}:${Math.trunc(stat.mtimeMs)}`;
  } catch {
    return "missing";
  }
}

const ARCH: Record<string, string> = { x64: "x86_64", arm64: "aarch64", ia32: "i686", riscv64: "riscv64" };

/** The Nix system double of this machine, e.g. x86_64-linux. */
export function currentSystem(): string {
  return `${ARCH[process.arch] ?? process.arch}-${process.platform}`;
}

function hashFile(path: string): string {
  try {
    return digest(readFileSync(path));
  } catch {
    return "absent";
  }
}

/** size:mtime:ctime:inode in nanoseconds; "absent" when there is no such file. */
export function statSignature(path: string): string {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}` : "absent";
}

/** A stat taken this close to the file's last change could miss a second change in the same clock tick. */
const RACY_NS = 2_000_000_000n;

/** The signature, or "" when the file changed too recently for an equal stat to prove it unchanged. */
export function trustedSignature(path: string, now: bigint = BigInt(Date.now()) * 1_000_000n): string {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!stat) return "absent";
  // The change time, not the modification time: only the kernel sets it, so it is when the file really changed.
  if (stat.ctimeNs + RACY_NS > now) return "";
  return `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}`;
}

/**
 * Hashes the files, stat first (a change after the stat makes the next stat differ, so it is never missed).
 * `since`: files changed at or after this time (ns) were possibly read by Nix in another state; they get "racy".
 */
export function hashInputs(
  paths: readonly string[],
  since?: bigint,
  known?: ReadonlyMap<string, InputFile>,
): InputFile[] {
  return paths.map((path) => {
    const done = known?.get(path);
    if (done) return done;
    const stat = trustedSignature(path);
    if (since !== undefined) {
      const raw = statSync(path, { bigint: true, throwIfNoEntry: false });
      if (raw && raw.ctimeNs >= since) return { path, hash: "racy", stat: "" };
    }
    return { path, hash: hashFile(path), stat };
  });
}

/**
 * hashInputs for files the read set will surely hold, while Nix copies and evaluates: a few hundred files at a
 * time, so the event loop still reads Nix's output between them. The same stat-first order and `since` make a file
 * that changes after its hash a miss at the next entry, as for hashInputs.
 */
export async function hashInputsMeanwhile(paths: readonly string[], since: bigint): Promise<Map<string, InputFile>> {
  const hashed = new Map<string, InputFile>();
  for (let start = 0; start < paths.length; start += 256) {
    await new Promise((next) => setImmediate(next));
    for (const input of hashInputs(paths.slice(start, start + 256), since)) hashed.set(input.path, input);
  }
  return hashed;
}

/**
 * The inputs as they are now, reusing a recorded hash wherever the stat is unchanged (and trusted), so a warm
 * check reads no file content unless something changed. `changed` is true when any stat differed.
 */
export function refreshInputs(recorded: readonly InputFile[]): { inputs: InputFile[]; changed: boolean } {
  let changed = false;
  const inputs = recorded.map((input) => {
    if (input.stat && input.stat === statSignature(input.path)) return input;
    changed = true;
    const stat = trustedSignature(input.path);
    return { path: input.path, hash: hashFile(input.path), stat };
  });
  return { inputs, changed };
}

/** Files that say which nixpkgs a mirror holds; editing deeper files of a mirror in place needs `--refresh`. */
const MIRROR_MARKERS = ["flake.nix", "flake.lock", ".version", ".git-revision", "default.nix", ".git/HEAD"];

function mirrorFingerprint(nixpkgs: string | undefined): string {
  if (!nixpkgs) return "";
  const parts = MIRROR_MARKERS.map((file) => `${file}=${hashFile(join(nixpkgs, file))}`);
  const head = readHead(nixpkgs);
  if (head) parts.push(`ref=${hashFile(join(nixpkgs, ".git", head))}`);
  return parts.join(",");
}

/** The mirror's marker files that exist and those that do not (the stamp checks both). */
export function mirrorFiles(nixpkgs: string | undefined): { present: string[]; absent: string[] } {
  const present: string[] = [];
  const absent: string[] = [];
  if (!nixpkgs) return { present, absent };
  const files = MIRROR_MARKERS.map((file) => join(nixpkgs, file));
  const head = readHead(nixpkgs);
  if (head) files.push(join(nixpkgs, ".git", head));
  for (const file of files) (statSignature(file) === "absent" ? absent : present).push(file);
  return { present, absent };
}

function readHead(dir: string): string | undefined {
  try {
    const head = readFileSync(join(dir, ".git", "HEAD"), "utf8");
    return /^ref: (refs\/\S+)/.exec(head)?.[1];
  } catch {
    return undefined;
  }
}

export interface KeyParts {
  root: string;
  shell: string;
  nixpkgs?: string;
  system: string;
  nixId: string;
  inputs: readonly InputFile[];
}

export function cacheKey(parts: KeyParts): string {
  const inputs = [...parts.inputs].sort((a, b) => (a.path < b.path ? -1 : 1)).map((i) => `${i.path}\0${i.hash}`);
  const text = [
    `root=${parts.root}`,
    `shell=${parts.shell}`,
    `nixpkgs=${parts.nixpkgs ?? ""}:${mirrorFingerprint(parts.nixpkgs)}`,
    `system=${parts.system}`,
    `nix=${parts.nixId}`,
    ...inputs,
  ].join("\n");
  return digest(text).slice(0, 32);
}

export function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
