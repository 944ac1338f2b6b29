/**
 * `paved gc`: drops the cached environments (and with them their GC roots) of checkouts that are gone, so
 * `nix-collect-garbage` can free their store paths. A checkout is gone when its directory or its flake.nix is.
 * Also tidies entries a crashed capture left half written.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { cacheRoot, captureInProgress, readJson, readText, type CheckoutMeta } from "./shell/_cache.ts";

export interface GcOptions {
  /** Cache directory (default: PAVED_CACHE_DIR, $XDG_CACHE_HOME/paved, ~/.cache/paved). */
  cacheDir?: string;
  /** Report what would be removed, remove nothing. */
  dryRun?: boolean;
}

export interface GcRemoved {
  root: string;
  dir: string;
  /** Environments (and GC roots) removed with it. */
  environments: number;
  reason: "checkout missing" | "flake.nix missing" | "unreadable";
}

export interface GcResult {
  cacheDir: string;
  removed: GcRemoved[];
  /** direnv state (stamp, cached environment) of `.envrc` directories that are gone. */
  removedDirenv: string[];
  kept: { root: string; environments: number }[];
  dryRun: boolean;
}

function countEnvironments(checkoutDir: string): number {
  let count = 0;
  for (const slot of readdirSync(checkoutDir, { withFileTypes: true })) {
    if (!slot.isDirectory()) continue;
    for (const entry of readdirSync(join(checkoutDir, slot.name), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(checkoutDir, slot.name, entry.name, "meta.json"))) count++;
    }
  }
  return count;
}

/** Entry directories without meta.json were never finished; they may hold a profile link that roots garbage. */
function removeUnfinished(checkoutDir: string, dryRun: boolean): void {
  for (const slot of readdirSync(checkoutDir, { withFileTypes: true })) {
    if (!slot.isDirectory()) continue;
    const slotDir = join(checkoutDir, slot.name);
    const latest = readText(join(slotDir, "latest"))?.trim();
    for (const entry of readdirSync(slotDir, { withFileTypes: true })) {
      const dir = join(slotDir, entry.name);
      if (!entry.isDirectory() || entry.name === latest || existsSync(join(dir, "meta.json"))) continue;
      if (captureInProgress(dir)) continue;
      if (!dryRun) rmSync(dir, { recursive: true, force: true });
    }
  }
}

export async function gcEnvironments(options: GcOptions = {}): Promise<GcResult> {
  const cacheDir = options.cacheDir ?? cacheRoot();
  const shellsDir = join(cacheDir, "shells");
  const result: GcResult = { cacheDir, removed: [], removedDirenv: [], kept: [], dryRun: options.dryRun === true };
  gcDirenv(join(cacheDir, "direnv"), "", result);
  if (!existsSync(shellsDir)) return result;
  for (const checkout of readdirSync(shellsDir, { withFileTypes: true })) {
    if (!checkout.isDirectory()) continue;
    const dir = join(shellsDir, checkout.name);
    const meta = readJson<CheckoutMeta>(join(dir, "checkout.json"));
    const environments = countEnvironments(dir);
    let reason: GcRemoved["reason"] | undefined;
    if (!meta?.root) reason = "unreadable";
    else if (!existsSync(meta.root)) reason = "checkout missing";
    else if (!existsSync(join(meta.root, "flake.nix"))) reason = "flake.nix missing";
    if (reason) {
      // Removing the profile links drops the GC roots; Nix forgets the dangling gcroots/auto entries itself.
      if (!options.dryRun) rmSync(dir, { recursive: true, force: true });
      result.removed.push({ root: meta?.root ?? "?", dir, environments, reason });
    } else {
      removeUnfinished(dir, options.dryRun === true);
      result.kept.push({ root: meta!.root, environments });
    }
  }
  return result;
}

/**
 * `<cache>/direnv/<absolute dir>/` holds an `.envrc`'s stamp and cached environment; it goes with the `.envrc`.
 * The cached environment is not a GC root itself (its entry under shells/ is), so this only frees disk space.
 */
function gcDirenv(base: string, rel: string, result: GcResult): void {
  const here = join(base, rel);
  let entries;
  try {
    entries = readdirSync(here, { withFileTypes: true });
  } catch {
    return;
  }
  // <dir>/<stamp key>/ holds the files; <dir> is the .envrc's directory.
  if (rel !== "" && entries.some((entry) => entry.isFile() && (entry.name === "stamp" || entry.name === "env"))) {
    const envrcDir = dirname(rel);
    if (!existsSync(join(envrcDir, ".envrc"))) {
      if (!result.dryRun) rmSync(here, { recursive: true, force: true });
      if (!result.removedDirenv.includes(envrcDir)) result.removedDirenv.push(envrcDir);
    }
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) gcDirenv(base, `${rel}/${entry.name}`, result);
}
