/**
 * Cold path: evaluate the dev shell with the real Nix once and store what it printed. One `nix print-dev-env
 * --json --profile … -v` call captures the environment, registers a GC root for it (the profile link is an
 * indirect root, so `nix-collect-garbage` keeps the environment and everything it references while the entry
 * exists) and, through `-v`, reports every file it evaluated, from which the read set is worked out
 * (_readset.ts). `--no-eval-cache` unless the read set is the whole tree anyway: a cached evaluation reports no files. Nix evaluates a tree of only the
 * files the shell can read when that is provably the same evaluation (_source.ts), else the checkout, as nix develop
 * does. Loaded with a dynamic import, so a warm `paved shell` never parses this module.
 */
import { mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  ensureNixVersion,
  flakeAttrPath,
  isPavedError,
  rememberNixVersion,
  runNix,
  type NixOptions,
  type NixResult,
  type NixVersion,
} from "@paved/core";
import {
  CACHE_FORMAT,
  captureInProgress,
  readEntries,
  readEntry,
  readJson,
  readText,
  writeFileAtomicSync,
  type EntryMeta,
  type InputFile,
} from "./_cache.ts";
import { cacheKey, currentSystem, hashInputs, hashInputsMeanwhile, nixIdentity } from "./_fingerprint.ts";
import { isOwnFile, listInputs, visibleFiles, type InputList, type Visible } from "./_inputs.ts";
import { evaluatedSource, localEvaluated } from "./_readset.ts";
import { interactiveRc, renderRc, type DevEnv } from "./_rc.ts";
import { buildTree, checkoutOnly, planSource, treeHolds, treeStorePathUsed, type SourcePlan } from "./_source.ts";

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
  /** `--refresh`: Nix evaluates again too, never answering from its evaluation cache. */
  fresh?: boolean;
}

interface CaptureSource {
  /** The flake reference of a tree (_source.ts); the checkout when unset. */
  tree?: string;
  /**
   * Let Nix answer from its evaluation cache, which reports no files: only when the read set is every tracked file
   * whatever Nix evaluates. That is also when nix develop's cached evaluation saves the most (`src = ./.` copies the
   * tree a second time when evaluated).
   */
  evalCache?: boolean;
}

export function captureCommand(
  request: Pick<CaptureRequest, "root" | "shell" | "nixpkgs">,
  profile: string,
  source: CaptureSource = {},
): string[] {
  const { tree, evalCache } = source;
  // -vvv on a tree: Nix names every derivation it instantiates, which _source.ts reads for the tree's store path.
  const verbosity = tree ? "-vvv" : "-v";
  const args = ["print-dev-env", "--json", "--profile", profile, verbosity, ...(evalCache ? [] : ["--no-eval-cache"])];
  // A tree holds a copy of flake.lock: a lock that needs updating must fail there, so the checkout gets the update.
  if (tree) args.push("--no-update-lock-file");
  if (request.nixpkgs) args.push("--override-input", "nixpkgs", `path:${request.nixpkgs}`);
  args.push(`${tree ?? request.root}#${flakeAttrPath([request.shell])}`);
  return args;
}

export interface Captured {
  meta: EntryMeta;
  dir: string;
  dryRunCommand?: string[];
  /** For a dry run: what Nix would evaluate. */
  dryRunSource?: EntryMeta["source"];
}

export async function capture(request: CaptureRequest): Promise<Captured> {
  // One Nix process on the cold path, as nix develop: the version of this exact binary is remembered from before.
  const versionCheck = request.dryRun ? undefined : knownNixVersion(request.slotDir);
  versionCheck?.catch(() => {});
  const id = `${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const dir = join(request.slotDir, id);
  const profile = join(dir, "profile");
  const treeDir = join(dir, "source");
  // Nix's "evaluating …" lines (and at -vvv its scheduler's "building of …") are for paved, not for the person waiting.
  const onProgress = request.onProgress
    ? (line: string) => void (/^(evaluating |building of )/.test(line) || request.onProgress!(line))
    : undefined;
  const nixOptions: NixOptions = { cwd: request.root, signal: request.signal, onProgress };
  // Anything changed from here on may have been read by Nix in either state: such inputs are recorded as "racy".
  const started = BigInt(Date.now() - 20) * 1_000_000n;
  // A flake that reads its whole tree is known from flake.nix alone: its Nix starts before git lists the tree.
  const wholeTree = checkoutOnly(request.root);
  const listing = wholeTree ? undefined : visibleFiles(request.root);
  const evalCache = wholeTree !== undefined && !request.fresh;
  const plan: SourcePlan = listing
    ? await listing.then((seen) => planSource(request.root, seen, treeDir))
    : { kind: "checkout", why: wholeTree! };
  if (request.dryRun) {
    const args = captureCommand(request, profile, plan.kind === "tree" ? { tree: `path:${treeDir}` } : { evalCache });
    const dry = await runNix(args, { ...nixOptions, dryRun: true });
    const source = plan.kind === "tree" ? { tree: plan.files.length } : { checkout: plan.why };
    return { dir, dryRunCommand: dry.argv, dryRunSource: source, meta: undefined as unknown as EntryMeta };
  }
  const version = await versionCheck!;
  mkdirSync(dir, { recursive: true });
  let done: Evaluation | undefined;
  let source: EntryMeta["source"] = plan.kind === "tree" ? { tree: plan.files.length } : { checkout: plan.why };
  try {
    if (plan.kind === "tree") {
      request.onProgress?.(
        `paved: Nix gets the ${plan.files.length} file${plan.files.length === 1 ? "" : "s"} this shell can read, of ${plan.checkoutFiles.toLocaleString("en-US")}`,
      );
      const tried = await evaluateTree(request, plan.files, treeDir, profile, nixOptions, (await listing)!);
      if (typeof tried === "string") source = { checkout: tried };
      else done = tried;
    }
    if (!done) {
      const evaluation = runNix(captureCommand(request, profile, { evalCache }), nixOptions);
      evaluation.catch(() => {});
      // git lists the tree while Nix evaluates, but starts after Nix (which spawns within this turn's microtasks):
      // the person waits for Nix, not for git.
      const visible = listing ?? new Promise((next) => setImmediate(next)).then(() => visibleFiles(request.root));
      visible.catch(() => {});
      // The files flake.nix alone shows are hashed while Nix works: with `src = ./.`, every tracked file.
      const early = visible
        .then((seen) => listInputs(request.root, [], seen))
        .then((listed) => hashInputsMeanwhile(listed.files, started));
      early.catch(() => {});
      const result = await evaluation;
      const seen = await visible;
      // A cached evaluation reports no files; with the whole tree read, flake.nix's text alone gives the read set.
      const evaluated = localEvaluated(result.stderr, request.root, seen.top) ?? (evalCache ? [] : undefined);
      done = {
        result,
        listed: await listInputs(request.root, evaluated, seen),
        hashed: await early.catch(() => undefined),
      };
    }
  } catch (error) {
    // A failed capture leaves nothing behind; the last good entry stays where it is.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { result, listed, hashed } = done;
  const inputs = hashInputs(listed.files, started, hashed);
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
    source,
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

interface Evaluation {
  result: NixResult;
  listed: InputList;
  /** Inputs already hashed while Nix ran. */
  hashed?: ReadonlyMap<string, InputFile>;
}

/**
 * Evaluates the shell from a tree of `files` (_source.ts). A string says why the checkout must be evaluated after
 * all: Nix failed on the tree, or reported reading a file the tree did not have.
 */
async function evaluateTree(
  request: CaptureRequest,
  files: readonly string[],
  treeDir: string,
  profile: string,
  nixOptions: NixOptions,
  seen: Visible,
): Promise<Evaluation | string> {
  let result: NixResult;
  let tree: string;
  try {
    tree = buildTree(request.root, files, treeDir);
  } catch (error) {
    rmSync(treeDir, { recursive: true, force: true });
    return `the tree could not be made (${(error as Error).message})`;
  }
  try {
    // Nix's "copying '<tree>'..." is paved's business, not the reader's.
    const onProgress = nixOptions.onProgress;
    const quiet = onProgress ? (line: string) => void (line.includes(treeDir) || onProgress(line)) : undefined;
    result = await runNix(captureCommand(request, profile, { tree }), { ...nixOptions, onProgress: quiet });
  } catch (error) {
    if (isPavedError(error) && (error.code === "E_NIX_CANCELLED" || error.code === "E_NIX_MISSING")) throw error;
    dropProfile(profile);
    return `Nix could not evaluate the tree of ${files.length} file${files.length === 1 ? "" : "s"} alone (${nixErrorLine(error)})`;
  } finally {
    rmSync(treeDir, { recursive: true, force: true });
  }
  const source = evaluatedSource(result.stderr, request.root, request.root);
  const used = source ? treeStorePathUsed(source, result.stdout, result.stderr) : "Nix did not report the tree";
  if (used) {
    dropProfile(profile);
    return `the shell depends on the source's own store path (${used})`;
  }
  const listed = await listInputs(request.root, localEvaluated(result.stderr, request.root, request.root), seen);
  const read = listed.files.filter((file) => !isOwnFile(request.root, file));
  if (listed.wholeTree || !treeHolds(request.root, files, read, seen)) {
    dropProfile(profile);
    return "the evaluation read files the tree did not have";
  }
  return { result, listed };
}

/** Nix's own first error line, not paved's reading of it (which guesses at causes that do not apply to a tree). */
function nixErrorLine(error: unknown): string {
  const details = isPavedError(error) ? (error.details as { stderr?: unknown } | undefined) : undefined;
  const stderr = typeof details?.stderr === "string" ? details.stderr : String((error as Error).message);
  return (stderr.split("\n").find((line) => line.startsWith("error:")) ?? stderr.split("\n")[0] ?? "").trim();
}

/** The profile and its generations, so a second evaluation's root is the only one. */
function dropProfile(profile: string): void {
  const dir = dirname(profile);
  const name = basename(profile);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // Nothing of it left: the checkout's run makes the directory again.
  }
  for (const entry of entries)
    if (entry === name || entry.startsWith(`${name}-`)) rmSync(join(dir, entry), { force: true });
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
    if (entry.time === 0 && captureInProgress(join(slotDir, entry.name))) continue;
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
