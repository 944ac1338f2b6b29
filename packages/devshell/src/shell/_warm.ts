/**
 * The warm path of `paved shell`: find the cached environment for the working directory, check that every input
 * still hashes the same, and run the command in it. Nothing here imports @paved/core or a YAML parser, so the CLI's
 * fast entry (apps/cli/src/fast-shell.ts) loads a few kilobytes; capture and errors live in _enter.ts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import {
  cacheRoot,
  readEntries,
  readEntry,
  readText,
  slotName,
  slotPaths,
  writeFileAtomicSync,
  type EntryMeta,
} from "./_cache.ts";
import { cacheKey, currentSystem, mtimeOf, nixIdentity, refreshInputs, type KeyParts } from "./_fingerprint.ts";
import type { InputList } from "./_inputs.ts";
import { chooseShell, locateRoot, rememberCheckout, type ConfigReader, type Located } from "./_locate.ts";
import { commandScript } from "./_rc.ts";

export interface ShellOptions {
  /** Directory to start from (default: the current directory). */
  cwd?: string;
  /** devShell name; default: the sub-project's shell (paved.yaml `shells.<name>.dir`) or `default`. */
  shell?: string;
  /** Local nixpkgs checkout or mirror; overrides paved.yaml `nixpkgs.path`. */
  nixpkgs?: string;
  /** Use the last good environment when evaluation fails (marked stale). */
  staleOk?: boolean;
  /** Capture again even when the cache is warm. */
  refresh?: boolean;
  /** Base environment of the shell (default process.env). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /** Warnings for people (stale environment), on stderr in the CLI. */
  onWarning?: (line: string) => void;
  /** Where the command's stdout goes: "stderr" keeps paved's own stdout for its JSON (`paved shell --json`). */
  childStdout?: "stdout" | "stderr";
}

export type CacheState = "hit" | "miss" | "stale" | "refresh";

export interface PreparedShell {
  root: string;
  shell: string;
  /** Why this shell was picked ("argument", "default", or the matching `shells.<name>.dir`). */
  reason: string;
  nixpkgs?: string;
  cache: CacheState;
  /** On a miss: why the cached environment could not be used ("nix/tools.nix changed"). */
  why?: string[];
  /** The evaluation error when `cache` is "stale". */
  staleBecause?: string;
  entryDir: string;
  rcPath: string;
  meta: EntryMeta;
}

function resolveNixpkgs(options: ShellOptions, fromConfig: string | undefined): string | undefined {
  if (options.nixpkgs)
    return isAbsolute(options.nixpkgs) ? options.nixpkgs : resolve(options.cwd ?? process.cwd(), options.nixpkgs);
  return fromConfig;
}

/** What only the cold path may load (the YAML parser, git, @paved/core); without them the warm path gives up early. */
export interface ColdHelpers {
  readConfig: ConfigReader;
  listInputs: (root: string, evaluated: string[] | undefined) => Promise<InputList>;
}

/**
 * The warm check: each cached entry (the latest first) is still valid when its inputs hash the same — a file whose
 * size, mtime, ctime and inode are unchanged keeps its recorded hash, so usually nothing is read. A changed git
 * index or directory means the read set itself may differ (a file became visible to Nix); only the cold path
 * works it out again (one `git ls-files`, still no Nix).
 */
export async function lookup(
  slotDir: string,
  parts: { root: string; shell: string; nixpkgs?: string },
  cold?: ColdHelpers,
): Promise<EntryMeta | undefined> {
  const latest = readText(join(slotDir, "latest"))?.trim();
  const first = latest ? readEntry(slotDir, latest) : undefined;
  const system = currentSystem();
  const nixId = nixIdentity();
  if (first) {
    const found = await check(slotDir, first, { ...parts, system, nixId }, cold);
    if (found) return found;
  }
  for (const entry of readEntries(slotDir)) {
    if (entry.id === first?.id) continue;
    const found = await check(slotDir, entry, { ...parts, system, nixId }, cold);
    if (found) return adopt(slotDir, found);
  }
  return undefined;
}

async function check(
  slotDir: string,
  meta: EntryMeta,
  parts: Omit<KeyParts, "inputs">,
  cold?: ColdHelpers,
): Promise<EntryMeta | undefined> {
  let updated: EntryMeta | undefined;
  const listStale =
    (meta.gitIndex !== undefined && mtimeOf(meta.gitIndex.path) !== meta.gitIndex.mtimeMs) ||
    (meta.dirs ?? []).some((dir) => mtimeOf(dir.path) !== dir.mtimeMs);
  if (listStale) {
    if (!cold) return undefined;
    const listed = await cold.listInputs(parts.root, meta.evaluated);
    const before = meta.inputs.map((input) => input.path).join("\0");
    if (listed.files.join("\0") !== before) return undefined;
    updated = { ...meta };
    if (listed.gitIndex) updated.gitIndex = listed.gitIndex;
    if (listed.dirs) updated.dirs = listed.dirs;
  }
  const { inputs, changed } = refreshInputs(meta.inputs);
  if (cacheKey({ ...parts, inputs }) !== meta.key) return undefined;
  if (changed) updated = { ...(updated ?? meta), inputs };
  if (updated) writeFileAtomicSync(join(slotDir, meta.id, "meta.json"), `${JSON.stringify(updated, null, 2)}\n`);
  return updated ?? meta;
}

/** Why there is no warm entry, in words a person can act on ("nix/tools.nix changed"). */
export function missReasons(slotDir: string, root: string): string[] {
  const latest = readText(join(slotDir, "latest"))?.trim();
  const last = latest ? readEntry(slotDir, latest) : undefined;
  if (!last) return ["nothing cached yet"];
  const reasons: string[] = [];
  if (nixIdentity() !== last.nix.id) reasons.push(`nix changed (was ${last.nix.version})`);
  if (currentSystem() !== last.system) reasons.push(`system changed (was ${last.system})`);
  const { inputs } = refreshInputs(last.inputs);
  inputs.forEach((now, index) => {
    const input = last.inputs[index]!;
    if (now.hash === input.hash) return;
    const name = relative(root, input.path) || input.path;
    reasons.push(
      input.hash === "absent"
        ? `${name} was created`
        : now.hash === "absent"
          ? `${name} was deleted`
          : `${name} changed`,
    );
  });
  if (reasons.length > 0) return reasons;
  if (last.gitIndex && mtimeOf(last.gitIndex.path) !== last.gitIndex.mtimeMs)
    reasons.push("files were added to or removed from git");
  if ((last.dirs ?? []).some((dir) => mtimeOf(dir.path) !== dir.mtimeMs)) reasons.push("files were added or removed");
  return reasons.length > 0 ? reasons : ["the nixpkgs mirror changed"];
}

/** An older entry whose inputs match again (a branch switched back) becomes the latest. */
function adopt(slotDir: string, meta: EntryMeta): EntryMeta {
  writeFileAtomicSync(join(slotDir, "latest"), meta.id);
  return meta;
}

export interface Slot {
  base: Pick<PreparedShell, "root" | "shell" | "reason" | "nixpkgs">;
  parts: { root: string; shell: string; nixpkgs?: string };
  slotDir: string;
}

/** Which checkout, shell and cache slot; undefined on the warm path when paved.yaml would have to be parsed. */
export async function resolveSlot(
  options: ShellOptions,
  found?: Located,
  cold?: ColdHelpers,
): Promise<Slot | undefined> {
  const located = found ?? locateRoot(options.cwd ?? process.cwd());
  if (!located) return undefined;
  const cache = cacheRoot(options.env ?? process.env);
  const { checkoutDir } = slotPaths(cache, located.root, "");
  const checkoutFile = join(checkoutDir, "checkout.json");
  const choice = await chooseShell(located, checkoutFile, options.shell, cold?.readConfig);
  if (!choice) return undefined;
  if (cold) rememberCheckout(located, checkoutFile);
  const nixpkgs = resolveNixpkgs(options, choice.configNixpkgs);
  const { slotDir } = slotPaths(cache, located.root, slotName(choice.shell, nixpkgs));
  return {
    base: { root: located.root, shell: choice.shell, reason: choice.reason, ...(nixpkgs ? { nixpkgs } : {}) },
    parts: { root: located.root, shell: choice.shell, nixpkgs },
    slotDir,
  };
}

export function hit(slot: Slot, meta: EntryMeta): PreparedShell {
  const entryDir = join(slot.slotDir, meta.id);
  return { ...slot.base, cache: "hit", entryDir, rcPath: join(entryDir, "rc.sh"), meta };
}

/**
 * The warm path alone: the cached environment when every input still matches, else undefined — also when
 * paved.yaml or the git index changed, which the cold path (prepareShell) sorts out. Loads no YAML parser and
 * starts no process.
 */
export async function warmShell(options: ShellOptions = {}): Promise<PreparedShell | undefined> {
  if (options.refresh) return undefined;
  const slot = await resolveSlot(options);
  if (!slot) return undefined;
  const meta = await lookup(slot.slotDir, slot.parts);
  return meta ? hit(slot, meta) : undefined;
}

/** What the shell's processes get on top of the user's environment. */
export function shellEnv(prepared: PreparedShell, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PAVED_SHELL: prepared.shell, PAVED_SHELL_ROOT: prepared.root };
  if (prepared.meta.storePath) env.NIX_GCROOT = prepared.meta.storePath;
  if (prepared.cache === "stale") env.PAVED_SHELL_STALE = prepared.meta.capturedAt;
  else delete env.PAVED_SHELL_STALE;
  return env;
}

export interface ShellRun extends PreparedShell {
  exitCode: number;
}

/** Runs a program on the user's terminal and resolves with its exit code (128+N when signal N ended it). */
export function waitFor(
  argv: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; childStdout?: "stdout" | "stderr" },
): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const stdio = ["inherit", options.childStdout === "stderr" ? 2 : "inherit", "inherit"] as const;
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: [...stdio] });
    // A terminal's Ctrl-C reaches the child by itself; signals sent to paved alone are passed on.
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = (["SIGTERM", "SIGHUP"] as const).map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.on("error", (error) => {
      done();
      reject(error);
    });
    child.on("close", (code, signal) => {
      done();
      resolveExit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1));
    });
  });
}

/** Runs the command in an environment already found (warm path) or captured. */
export async function runPrepared(
  prepared: PreparedShell,
  options: ShellOptions & { command: string[] },
): Promise<ShellRun> {
  const env = shellEnv(prepared, options.env ?? process.env);
  const argv = ["bash", "-c", commandScript(prepared.rcPath), "paved-shell", ...options.command];
  const exitCode = await withBuildTop(env, () =>
    waitFor(argv, {
      cwd: options.cwd ?? process.cwd(),
      env,
      ...(options.childStdout ? { childStdout: options.childStdout } : {}),
    }),
  );
  return { ...prepared, exitCode };
}

/**
 * NIX_BUILD_TOP (and TMPDIR) for the shell, made here rather than by a `mktemp` process in the rc, and removed when
 * the shell ends, as nix develop removes its own.
 */
export async function withBuildTop<T>(env: NodeJS.ProcessEnv, run: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "nix-shell."));
  env.__paved_build_top = dir;
  try {
    return await run();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
