/**
 * `paved shell`: find the environment for the working directory, from the cache when every input still hashes the
 * same (no Nix process at all), else captured once with the real Nix; then run one command in it or start the
 * user's own shell. When evaluation fails, the last good environment is offered, marked stale.
 */
import { spawn, spawnSync } from "node:child_process";
import { constants } from "node:os";
import { basename, isAbsolute, join, resolve } from "node:path";
import { isPavedError, PavedError } from "@paved/core";
import { cacheRoot, readEntry, readText, slotName, slotPaths, writeFileAtomicSync, type EntryMeta } from "./_cache.ts";
import { cacheKey, currentSystem, hashInputs, mtimeOf, nixIdentity } from "./_fingerprint.ts";
import { chooseShell, findRoot, rememberCheckout } from "./_locate.ts";
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
}

export type CacheState = "hit" | "miss" | "stale" | "refresh";

export interface PreparedShell {
  root: string;
  shell: string;
  /** Why this shell was picked ("argument", "default", or the matching `shells.<name>.dir`). */
  reason: string;
  nixpkgs?: string;
  cache: CacheState;
  /** The evaluation error when `cache` is "stale". */
  staleBecause?: string;
  entryDir: string;
  rcPath: string;
  meta: EntryMeta;
}

function resolveNixpkgs(options: ShellOptions, fromConfig: string | undefined): string | undefined {
  if (options.nixpkgs) return isAbsolute(options.nixpkgs) ? options.nixpkgs : resolve(options.cwd ?? process.cwd(), options.nixpkgs);
  return fromConfig;
}

/** The warm check: re-hash the recorded inputs; a changed git index or directory means the list itself may differ. */
async function lookup(slotDir: string, parts: { root: string; shell: string; nixpkgs?: string }): Promise<EntryMeta | undefined> {
  const latest = readText(join(slotDir, "latest"))?.trim();
  const last = latest ? readEntry(slotDir, latest) : undefined;
  if (!last) return undefined;
  const system = currentSystem();
  const nixId = nixIdentity();
  const listStale =
    (last.gitIndex !== undefined && mtimeOf(last.gitIndex.path) !== last.gitIndex.mtimeMs) ||
    (last.dirs ?? []).some((dir) => mtimeOf(dir.path) !== dir.mtimeMs);
  if (!listStale) {
    const key = cacheKey({ ...parts, system, nixId, inputs: hashInputs(last.inputs.map((i) => i.path)) });
    if (key === latest) return last;
    return adopt(slotDir, readEntry(slotDir, key));
  }
  // Something was added to (or removed from) git or a directory: list the inputs again. Still no Nix process.
  const { listInputs } = await import("./_inputs.ts");
  const listed = await listInputs(parts.root);
  const key = cacheKey({ ...parts, system, nixId, inputs: hashInputs(listed.files) });
  const found = readEntry(slotDir, key);
  if (!found) return undefined;
  const updated: EntryMeta = { ...found };
  if (listed.gitIndex) updated.gitIndex = listed.gitIndex;
  if (listed.dirs) updated.dirs = listed.dirs;
  writeFileAtomicSync(join(slotDir, key, "meta.json"), `${JSON.stringify(updated, null, 2)}\n`);
  return adopt(slotDir, updated);
}

/** An older entry whose inputs match again (a branch switched back) becomes the latest. */
function adopt(slotDir: string, meta: EntryMeta | undefined): EntryMeta | undefined {
  if (meta) writeFileAtomicSync(join(slotDir, "latest"), meta.key);
  return meta;
}

/** Finds or captures the environment; never starts a shell. */
export async function prepareShell(options: ShellOptions = {}): Promise<PreparedShell> {
  const cwd = options.cwd ?? process.cwd();
  const located = findRoot(cwd);
  const cache = cacheRoot(options.env ?? process.env);
  const { checkoutDir } = slotPaths(cache, located.root, "");
  const checkoutFile = join(checkoutDir, "checkout.json");
  const choice = await chooseShell(located, checkoutFile, options.shell);
  rememberCheckout(located, checkoutFile);
  const nixpkgs = resolveNixpkgs(options, choice.configNixpkgs);
  const { slotDir } = slotPaths(cache, located.root, slotName(choice.shell, nixpkgs));
  const parts = { root: located.root, shell: choice.shell, nixpkgs };
  const base = { root: located.root, shell: choice.shell, reason: choice.reason, ...(nixpkgs ? { nixpkgs } : {}) };

  if (!options.refresh) {
    const warm = await lookup(slotDir, parts);
    if (warm) return { ...base, cache: "hit", entryDir: join(slotDir, warm.key), rcPath: join(slotDir, warm.key, "rc.sh"), meta: warm };
  }
  const { capture } = await import("./_capture.ts");
  try {
    const captured = await capture({ ...parts, slotDir, signal: options.signal, onProgress: options.onProgress });
    const state: CacheState = options.refresh ? "refresh" : "miss";
    return { ...base, cache: state, entryDir: captured.dir, rcPath: join(captured.dir, "rc.sh"), meta: captured.meta };
  } catch (error) {
    if (!isPavedError(error) || error.code === "E_NIX_MISSING" || error.code === "E_NIX_CANCELLED") throw error;
    const latest = readText(join(slotDir, "latest"))?.trim();
    const last = latest ? readEntry(slotDir, latest) : undefined;
    if (!last) throw error;
    if (!options.staleOk) {
      throw new PavedError(error.code, `${error.message}\nThe last good environment (captured ${last.capturedAt}) is still cached.`, {
        hint: `${error.hint ? `${error.hint} ` : ""}Or run again with --stale-ok to use the last good environment, marked stale.`,
        details: { ...error.details, stale: { capturedAt: last.capturedAt, key: last.key } },
        cause: error,
      });
    }
    options.onWarning?.(
      `paved: evaluating the ${choice.shell} shell failed; using the last good environment from ${last.capturedAt} (STALE).\n  ${error.message.split("\n")[0]}`,
    );
    return {
      ...base,
      cache: "stale",
      staleBecause: error.message,
      entryDir: join(slotDir, last.key),
      rcPath: join(slotDir, last.key, "rc.sh"),
      meta: last,
    };
  }
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

function waitFor(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdio?: "inherit" }): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: "inherit" });
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

/** `paved shell -- CMD ARGS…`: runs the command in the environment and returns its exit code. */
export async function runInShell(options: ShellOptions & { command: string[] }): Promise<ShellRun> {
  if (options.command.length === 0) throw new PavedError("E_USAGE", "No command to run.", { hint: "Usage: paved shell [NAME] -- CMD [ARGS…]" });
  const prepared = await prepareShell(options);
  const env = shellEnv(prepared, options.env ?? process.env);
  const argv = ["bash", "-c", commandScript(prepared.rcPath), "paved-shell", ...options.command];
  let exitCode: number;
  try {
    exitCode = await waitFor(argv, { cwd: options.cwd ?? process.cwd(), env });
  } catch (error) {
    throw new PavedError("E_SHELL_SPAWN", `Cannot start bash to enter the shell: ${(error as Error).message}`, {
      hint: "nix develop needs bash too; install bash or put it on PATH.",
      cause: error,
    });
  }
  return { ...prepared, exitCode };
}

/**
 * Interactive entry in the user's $SHELL. bash gets the environment through --rcfile (after ~/.bashrc, like nix
 * develop), so functions from the shell hook stay defined. Any other shell (zsh, fish, …) starts with the environment
 * bash has after running the rc and the shell hook: exported variables carry over, bash functions cannot.
 */
export async function enterShell(options: ShellOptions = {}): Promise<ShellRun> {
  const prepared = await prepareShell(options);
  const base = options.env ?? process.env;
  const env = shellEnv(prepared, base);
  const cwd = options.cwd ?? process.cwd();
  const userShell = base.SHELL || "bash";
  if (basename(userShell) === "bash") {
    const exitCode = await waitFor([userShell, "--rcfile", join(prepared.entryDir, "interactive.sh")], { cwd, env });
    return { ...prepared, exitCode };
  }
  const dumped = spawnSync("bash", ["-c", `. '${prepared.rcPath.replaceAll("'", `'\\''`)}' && exec env -0 >&3`], {
    cwd,
    env,
    stdio: ["inherit", "inherit", "inherit", "pipe"],
  });
  const raw = dumped.output?.[3];
  if (dumped.status !== 0 || !raw) {
    throw new PavedError("E_SHELL_HOOK", `The shell hook of ${prepared.shell} failed (exit ${dumped.status}).`, {
      hint: `Run \`paved shell ${prepared.shell} -- true\` to see its output, and fix the shellHook in flake.nix or paved.yaml.`,
    });
  }
  const shellEnvironment: NodeJS.ProcessEnv = {};
  for (const pair of raw.toString("utf8").split("\0")) {
    const eq = pair.indexOf("=");
    if (eq > 0) shellEnvironment[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  delete shellEnvironment._;
  shellEnvironment.SHELL = userShell;
  const exitCode = await waitFor([userShell], { cwd, env: shellEnvironment });
  return { ...prepared, exitCode };
}
