/**
 * Cold path: evaluate the dev shell with the real Nix once and store what it printed. One `nix print-dev-env
 * --json --profile …` call both captures the environment and registers a GC root for it: the profile link is an
 * indirect root, so `nix-collect-garbage` keeps the environment (and everything it references) while the entry
 * exists. Loaded with a dynamic import, so a warm `paved shell` never parses this module.
 */
import { mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureNixVersion, runNix, type NixOptions } from "@paved/core";
import { CACHE_FORMAT, readText, writeFileAtomicSync, type EntryMeta } from "./_cache.ts";
import { cacheKey, currentSystem, hashInputs, nixIdentity } from "./_fingerprint.ts";
import { listInputs } from "./_inputs.ts";
import { interactiveRc, renderRc, type DevEnv } from "./_rc.ts";

/** Environments kept per shell: the current one and a few before it (switching branches back and forth stays warm). */
export const KEEP_ENTRIES = 3;

export interface CaptureRequest {
  root: string;
  shell: string;
  nixpkgs?: string;
  slotDir: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  dryRun?: boolean;
}

export function captureCommand(request: Pick<CaptureRequest, "root" | "shell" | "nixpkgs">, profile: string): string[] {
  const args = ["print-dev-env", "--json", "--profile", profile];
  if (request.nixpkgs) args.push("--override-input", "nixpkgs", `path:${request.nixpkgs}`);
  args.push(`${request.root}#${request.shell}`);
  return args;
}

export interface Captured {
  meta: EntryMeta;
  dir: string;
  dryRunCommand?: string[];
}

export async function capture(request: CaptureRequest): Promise<Captured> {
  // git and `nix --version` at once: the cold path should cost no more than nix develop's own evaluation.
  const versionCheck = request.dryRun ? undefined : ensureNixVersion();
  versionCheck?.catch(() => {});
  const listed = await listInputs(request.root);
  const inputs = hashInputs(listed.files);
  const system = currentSystem();
  const nixId = nixIdentity();
  const key = cacheKey({ root: request.root, shell: request.shell, nixpkgs: request.nixpkgs, system, nixId, inputs });
  const dir = join(request.slotDir, key);
  const profile = join(dir, "profile");
  const args = captureCommand(request, profile);
  const nixOptions: NixOptions = { cwd: request.root, signal: request.signal, onProgress: request.onProgress };
  if (request.dryRun) {
    const dry = await runNix(args, { ...nixOptions, dryRun: true });
    return { dir, dryRunCommand: dry.argv, meta: undefined as unknown as EntryMeta };
  }
  const version = await versionCheck!;
  mkdirSync(dir, { recursive: true });
  removeProfileLinks(dir);
  let result;
  try {
    result = await runNix(args, nixOptions);
  } catch (error) {
    // A failed capture leaves nothing behind; the last good entry stays where it is.
    if (!readText(join(dir, "meta.json"))) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const env = JSON.parse(result.stdout) as DevEnv;
  const rcPath = join(dir, "rc.sh");
  writeFileAtomicSync(join(dir, "env.json"), result.stdout);
  writeFileAtomicSync(rcPath, renderRc(env));
  writeFileAtomicSync(join(dir, "interactive.sh"), interactiveRc(rcPath));
  const meta: EntryMeta = {
    format: CACHE_FORMAT,
    key,
    root: request.root,
    shell: request.shell,
    ...(request.nixpkgs ? { nixpkgs: request.nixpkgs } : {}),
    capturedAt: new Date().toISOString(),
    system,
    nix: { id: nixId, version: version.version },
    inputs,
    ...(listed.gitIndex ? { gitIndex: listed.gitIndex } : {}),
    ...(listed.dirs ? { dirs: listed.dirs } : {}),
    storePath: storePathOf(profile),
    installable: `${request.root}#${request.shell}`,
    command: result.argv,
  };
  writeFileAtomicSync(join(dir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
  writeFileAtomicSync(join(request.slotDir, "latest"), key);
  pruneEntries(request.slotDir, key);
  return { meta, dir };
}

function storePathOf(profile: string): string | undefined {
  try {
    const generation = readlinkSync(profile);
    return readlinkSync(join(profile, "..", generation));
  } catch {
    return undefined;
  }
}

/** Old generations of an entry's profile would keep outdated store paths alive; an entry roots one environment. */
function removeProfileLinks(dir: string): void {
  for (const name of readdirSync(dir)) if (/^profile(-\d+-link)?$/.test(name)) rmSync(join(dir, name), { force: true });
}

/** Keeps the newest entries (by capture time) and always the one just written. */
function pruneEntries(slotDir: string, keep: string): void {
  const entries = readdirSync(slotDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, time: capturedAt(join(slotDir, e.name)) }))
    .sort((a, b) => b.time - a.time);
  let kept = 0;
  for (const entry of entries) {
    if (entry.name === keep || (kept < KEEP_ENTRIES - 1 && entry.time > 0)) {
      if (entry.name !== keep) kept++;
      continue;
    }
    rmSync(join(slotDir, entry.name), { recursive: true, force: true });
  }
}

function capturedAt(dir: string): number {
  const text = readText(join(dir, "meta.json"));
  if (!text) return 0;
  try {
    const time = Date.parse((JSON.parse(text) as EntryMeta).capturedAt);
    return Number.isNaN(time) ? 0 : time;
  } catch {
    return 0;
  }
}
