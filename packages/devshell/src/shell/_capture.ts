/**
 * Cold path: evaluate the dev shell with the real Nix once and store what it printed. One `nix print-dev-env
 * --json --profile … -v` call captures the environment, registers a GC root for it (the profile link is an
 * indirect root, so `nix-collect-garbage` keeps the environment and everything it references while the entry
 * exists) and, through `-v`, reports every file it evaluated, from which the read set is worked out
 * (_readset.ts). `--no-eval-cache`: a cached evaluation would report no files. Loaded with a dynamic import, so a
 * warm `paved shell` never parses this module.
 */
import { mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  ensureNixVersion,
  flakeAttrPath,
  rememberNixVersion,
  runNix,
  type NixOptions,
  type NixVersion,
} from "@paved/core";
import {
  CACHE_FORMAT,
  readEntries,
  readEntry,
  readJson,
  readText,
  writeFileAtomicSync,
  type EntryMeta,
} from "./_cache.ts";
import { cacheKey, currentSystem, hashInputs, nixIdentity } from "./_fingerprint.ts";
import { listInputs, visibleFiles } from "./_inputs.ts";
import { localEvaluated } from "./_readset.ts";
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
  /** Said once: the shell depends on every tracked file. */
  onWarning?: (line: string) => void;
  dryRun?: boolean;
}

export function captureCommand(request: Pick<CaptureRequest, "root" | "shell" | "nixpkgs">, profile: string): string[] {
  const args = ["print-dev-env", "--json", "--profile", profile, "-v", "--no-eval-cache"];
  if (request.nixpkgs) args.push("--override-input", "nixpkgs", `path:${request.nixpkgs}`);
  args.push(`${request.root}#${flakeAttrPath([request.shell])}`);
  return args;
}

export interface Captured {
  meta: EntryMeta;
  dir: string;
  dryRunCommand?: string[];
}

export async function capture(request: CaptureRequest): Promise<Captured> {
  // One Nix process on the cold path, as nix develop: the version of this exact binary is remembered from before.
  const versionCheck = request.dryRun ? undefined : knownNixVersion(request.slotDir);
  versionCheck?.catch(() => {});
  const id = `${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const dir = join(request.slotDir, id);
  const profile = join(dir, "profile");
  const args = captureCommand(request, profile);
  // Nix's "evaluating file" lines are for paved, not for the person waiting.
  const onProgress = request.onProgress
    ? (line: string) => void (line.startsWith("evaluating file") || request.onProgress!(line))
    : undefined;
  const nixOptions: NixOptions = { cwd: request.root, signal: request.signal, onProgress };
  if (request.dryRun) {
    const dry = await runNix(args, { ...nixOptions, dryRun: true });
    return { dir, dryRunCommand: dry.argv, meta: undefined as unknown as EntryMeta };
  }
  const version = await versionCheck!;
  mkdirSync(dir, { recursive: true });
  // Anything changed from here on may have been read by Nix in either state: such inputs are recorded as "racy".
  const started = BigInt(Date.now() - 20) * 1_000_000n;
  const evaluation = runNix(args, nixOptions);
  evaluation.catch(() => {});
  // git lists the tree while Nix evaluates, but starts after Nix (which spawns within this turn's microtasks):
  // the person waits for Nix, not for git.
  const visible = new Promise((next) => setImmediate(next)).then(() => visibleFiles(request.root));
  visible.catch(() => {});
  let result;
  try {
    result = await evaluation;
  } catch (error) {
    // A failed capture leaves nothing behind; the last good entry stays where it is.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const seen = await visible;
  const listed = await listInputs(request.root, localEvaluated(result.stderr, request.root, seen.top), seen);
  const inputs = hashInputs(listed.files, started);
  const system = currentSystem();
  const nixId = nixIdentity();
  const key = cacheKey({ root: request.root, shell: request.shell, nixpkgs: request.nixpkgs, system, nixId, inputs });
  const env = JSON.parse(result.stdout) as DevEnv;
  const rcPath = join(dir, "rc.sh");
  writeFileAtomicSync(join(dir, "env.json"), result.stdout);
  writeFileAtomicSync(rcPath, renderRc(env));
  writeFileAtomicSync(join(dir, "interactive.sh"), interactiveRc(rcPath));
  const previous = readEntry(request.slotDir, readText(join(request.slotDir, "latest"))?.trim() ?? "");
  if (listed.wholeTree && !previous?.wholeTree) {
    request.onWarning?.(
      `paved: the ${request.shell} shell depends on every tracked file (${listed.wholeTree}); any edit evaluates it again.`,
    );
  }
  const meta: EntryMeta = {
    format: CACHE_FORMAT,
    id,
    key,
    root: request.root,
    shell: request.shell,
    ...(request.nixpkgs ? { nixpkgs: request.nixpkgs } : {}),
    capturedAt: new Date().toISOString(),
    system,
    nix: { id: nixId, version: version.version },
    inputs,
    ...(listed.evaluated ? { evaluated: listed.evaluated } : {}),
    readDirs: listed.readDirs,
    ...(listed.wholeTree ? { wholeTree: listed.wholeTree } : {}),
    ...(listed.gitIndex ? { gitIndex: listed.gitIndex } : {}),
    ...(listed.dirs ? { dirs: listed.dirs } : {}),
    storePath: storePathOf(profile),
    installable: `${request.root}#${flakeAttrPath([request.shell])}`,
    command: result.argv,
  };
  writeFileAtomicSync(join(dir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
  // An entry with the same key is now redundant (a --refresh): it would only keep an old store path alive.
  for (const other of readEntries(request.slotDir))
    if (other.key === key && other.id !== id) rmSync(join(request.slotDir, other.id), { recursive: true, force: true });
  writeFileAtomicSync(join(request.slotDir, "latest"), id);
  pruneEntries(request.slotDir, id);
  return { meta, dir };
}

/** The cache's record of which version each nix binary (by real path, size and mtime) is. */
function versionFile(slotDir: string): string {
  return join(slotDir, "..", "..", "..", "nix-version.json");
}

async function knownNixVersion(slotDir: string): Promise<NixVersion> {
  const id = nixIdentity();
  const known = readJson<{ id: string; version: NixVersion }>(versionFile(slotDir));
  if (known?.id === id && known.version?.version) rememberNixVersion(known.version);
  const version = await ensureNixVersion();
  if (known?.id !== id) writeFileAtomicSync(versionFile(slotDir), `${JSON.stringify({ id, version })}\n`);
  return version;
}

function storePathOf(profile: string): string | undefined {
  try {
    const generation = readlinkSync(profile);
    return readlinkSync(join(profile, "..", generation));
  } catch {
    return undefined;
  }
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
