/**
 * What `paved direnv-export` prints for `.envrc` to eval. The `.envrc` only asks when its stamp (see _stamp.ts)
 * cannot vouch for the cached environment, so this is the slow path, and it still never makes a prompt wait for
 * Nix when there is an environment to keep:
 * - warm (the content is unchanged): the environment, and a fresh stamp so the next entry needs no Node;
 * - a miss with an earlier environment: that environment, marked STALE, while a background run evaluates; its
 *   new stamp is watched, so direnv switches at the next prompt and says so in one line;
 * - a miss with nothing to keep (the first entry), or PAVED_DIRENV_WAIT: evaluate now, with progress;
 * - a broken flake or paved.yaml: the last good environment, STALE, with the located error — once per state of
 *   the inputs, not an evaluation per prompt.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isPavedError } from "@paved/core";
import { cacheRoot, readEntries, readEntry, readJson, slotPaths, writeFileAtomicSync } from "../shell/_cache.ts";
import { findRoot, prepareShell, prepareWarm, staleReasons } from "../shell/_enter.ts";
import { currentSystem, statSignature } from "../shell/_fingerprint.ts";
import { renderRc, type DevEnv } from "../shell/_rc.ts";
import type { PreparedShell, ShellOptions } from "../shell/_warm.ts";
import { shellQuote } from "@paved/core";
import { ASK_STAMP, direnvFiles, renderStamp, writeWarm, type DirenvFiles } from "./_stamp.ts";

interface DirenvExportOptions extends ShellOptions {
  /** The `.envrc`'s directory in paved's cache (`<cache>/direnv/<dir>`): enables the stamp, STALE and background. */
  stampDir?: string;
  /** This run is the background evaluation a foreground run started. */
  background?: boolean;
  /** Evaluate now even when an earlier environment could be kept (PAVED_DIRENV_WAIT=1, CI scripts). */
  wait?: boolean;
  /** Starts `paved direnv-export --background` detached (the CLI knows how to start itself). */
  startBackground?: () => void;
}

export interface DirenvExport {
  text: string;
  /** What happened: "hit", "miss" (evaluated now), "stale" (kept, background started or failed), "background". */
  state: "hit" | "miss" | "stale" | "background";
  prepared?: PreparedShell;
}

/** direnv keeps its watch list in an environment variable: a whole tree is watched through the git index instead. */
const MAX_WATCHES = 500;

function watchedFiles(prepared: PreparedShell): string[] {
  const meta = prepared.meta;
  if (meta.inputs.length <= MAX_WATCHES) return meta.inputs.map((input) => input.path);
  const under = (meta.readDirs ?? []).map((dir) => `${dir}/`);
  const single = meta.inputs.map((input) => input.path).filter((path) => !under.some((dir) => path.startsWith(dir)));
  return [...single.slice(0, MAX_WATCHES), ...(meta.gitIndex ? [meta.gitIndex.path] : [])];
}

/** The environment as the `.envrc` sources it: watches, paved's variables, then the replayed shell. */
function envText(prepared: PreparedShell, files?: DirenvFiles): string {
  const watched = watchedFiles(prepared);
  if (files) watched.push(files.stamp, files.failed);
  const env = JSON.parse(readFileSync(prepared.rcPath.replace(/rc\.sh$/, "env.json"), "utf8")) as DevEnv;
  return [
    `# captured: ${prepared.meta.capturedAt}`,
    ...watchLines(watched, files),
    `export PAVED_SHELL=${shellQuote(prepared.shell)} PAVED_SHELL_ROOT=${shellQuote(prepared.root)}`,
    "unset PAVED_SHELL_STALE",
    renderRc(env, { tempDir: false }),
  ].join("\n");
}

/**
 * direnv's watch_file starts the direnv binary, the largest cost of a warm load. What it computes is a function of
 * the watch list it is given and the watched files' mtimes; every watched file is an input the stamp has just
 * verified unchanged, or a file of the stamp directory paved rewrites only after deleting this cache. So the
 * result is kept in `watches` and reused while direnv hands the same list in. One call for all files otherwise.
 */
function watchLines(watched: string[], files?: DirenvFiles): string[] {
  const call = `watch_file ${watched.map(shellQuote).join(" ")}`;
  if (!files) return [call];
  const cache = shellQuote(files.watches);
  return [
    `if [ -r ${cache} ] && . ${cache} && [ "\${DIRENV_WATCHES:-}" = "\${__paved_win-}" ]; then`,
    "  export DIRENV_WATCHES=$__paved_wout",
    "else",
    "  __paved_win=${DIRENV_WATCHES:-}",
    `  ${call}`,
    `  printf '__paved_win=%q\n__paved_wout=%q\n' "$__paved_win" "\${DIRENV_WATCHES:-}" > ${cache}.$$ && mv -f ${cache}.$$ ${cache}`,
    "fi",
    "unset __paved_win __paved_wout",
  ];
}

function staleText(env: string, message: string, level: "log_error" | "log_status"): string {
  const captured = /^# captured: (\S+)/.exec(env)?.[1] ?? "an earlier run";
  return `${env}\nexport PAVED_SHELL_STALE=${shellQuote(captured)}\n${level} ${shellQuote(message.replace("%CAPTURED%", captured))}\n`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? "failed"
  );
}

/** A one-shot line shown when the next load picks up what a background run wrote. */
function takeNotice(files: DirenvFiles): string {
  if (!existsSync(files.notice)) return "";
  const line = readFileSync(files.notice, "utf8").trim();
  rmSync(files.notice, { force: true });
  return line ? `log_status ${shellQuote(line)}\n` : "";
}

function storeWarm(files: DirenvFiles, prepared: PreparedShell): string {
  const text = envText(prepared, files);
  const parts = { root: prepared.root, shell: prepared.shell, nixpkgs: prepared.nixpkgs, system: currentSystem() };
  // A stale entry must never get a stamp: it would vouch for inputs it was not built from.
  const fresh = readEntry(prepared.entryDir.replace(/\/[^/]+$/, ""), prepared.meta.id) ?? prepared.meta;
  const stamp =
    prepared.cache === "stale" ? ASK_STAMP : renderStamp({ meta: fresh, parts, entryDir: prepared.entryDir });
  writeWarm(files, text, stamp);
  return text;
}

interface Failure {
  message: string;
  /** Each input's statSignature when the failing evaluation started. */
  stats: Record<string, string>;
}

function failureStillHolds(files: DirenvFiles): Failure | undefined {
  const failure = readJson<Failure>(files.failed);
  if (!failure) return undefined;
  return Object.entries(failure.stats).every(([path, sig]) => statSignature(path) === sig) ? failure : undefined;
}

function lockHolder(files: DirenvFiles): number | undefined {
  const pid = Number(readFileSync(files.lock, { encoding: "utf8", flag: "r" }).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function running(files: DirenvFiles): boolean {
  try {
    return lockHolder(files) !== undefined;
  } catch {
    return false;
  }
}

export async function direnvExport(options: DirenvExportOptions = {}): Promise<DirenvExport> {
  if (!options.stampDir) {
    // Without a stamp directory (an .envrc from before stamps): the environment, STALE when evaluation fails.
    const prepared = await prepareShell({ staleOk: true, ...options });
    const lines = [envText(prepared)];
    if (prepared.cache === "stale") {
      lines.push(`export PAVED_SHELL_STALE=${shellQuote(prepared.meta.capturedAt)}`);
      lines.push(
        `log_error ${shellQuote(`paved: STALE environment from ${prepared.meta.capturedAt}; evaluation failed: ${prepared.staleBecause?.split("\n")[0] ?? ""}`)}`,
      );
    }
    return {
      text: `${lines.join("\n")}\n`,
      state: prepared.cache === "stale" ? "stale" : prepared.cache === "hit" ? "hit" : "miss",
      prepared,
    };
  }
  const files = direnvFiles(options.stampDir);
  if (options.background) return background(options, files);
  const kept = existsSync(files.env) ? readFileSync(files.env, "utf8") : undefined;
  let warm: PreparedShell | undefined;
  try {
    warm = await prepareWarm(options);
  } catch (error) {
    // paved.yaml does not parse, the shell is gone…: keep what works, say exactly where the problem is.
    if (!kept || !isPavedError(error)) throw error;
    rmSync(files.watches, { force: true });
    return {
      text: staleText(kept, `paved: STALE environment from %CAPTURED%: ${error.message}`, "log_error"),
      state: "stale",
    };
  }
  if (warm) return { text: `${storeWarm(files, warm)}\n${takeNotice(files)}`, state: "hit", prepared: warm };
  // The kept environment's cached watch list has the inputs' old mtimes: direnv would reload at every prompt.
  rmSync(files.watches, { force: true });

  if (kept && !options.wait) {
    const failure = failureStillHolds(files);
    if (failure)
      return {
        text: staleText(kept, `paved: STALE environment from %CAPTURED%; ${failure.message}`, "log_error"),
        state: "stale",
      };
    const why = await staleReasons(options).catch(() => ["inputs changed"]);
    if (!running(files)) options.startBackground?.();
    const message = `paved: ${why.slice(0, 3).join(", ")}; evaluating in the background — this environment (from %CAPTURED%) is STALE until the next prompt`;
    return { text: staleText(kept, message, "log_status"), state: "stale" };
  }
  const prepared = await prepareShell({ ...options, staleOk: true });
  const text = storeWarm(files, prepared);
  if (prepared.cache === "stale") {
    return {
      text: staleText(
        text,
        `paved: STALE environment from %CAPTURED%; evaluation failed: ${firstLine(prepared.staleBecause)}`,
        "log_error",
      ),
      state: "stale",
      prepared,
    };
  }
  rmSync(files.failed, { force: true });
  return { text: `${text}\n`, state: "miss", prepared };
}

/** The background evaluation: one at a time per `.envrc`, its result picked up at the next prompt. */
async function background(options: DirenvExportOptions, files: DirenvFiles): Promise<DirenvExport> {
  mkdirSync(files.dir, { recursive: true });
  try {
    writeFileSync(files.lock, `${process.pid}\n`, { flag: "wx" });
  } catch {
    if (running(files)) return { text: "", state: "background" };
    writeFileAtomicSync(files.lock, `${process.pid}\n`);
  }
  try {
    // Stats before evaluating: an edit during the run makes the failure no longer hold, so it is retried.
    const slotInputs = await staleInputs(options);
    const stats = Object.fromEntries(slotInputs.map((path) => [path, statSignature(path)]));
    const stampBefore = statSync(files.stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    try {
      const prepared = await prepareShell({ ...options, staleOk: false });
      storeWarm(files, prepared);
      laterThan(files.stamp, stampBefore);
      rmSync(files.failed, { force: true });
      const why = prepared.why?.length ? ` (${prepared.why.slice(0, 3).join(", ")})` : "";
      writeFileAtomicSync(files.notice, `paved: switched to the new ${prepared.shell} environment${why}\n`);
      return { text: "", state: "background", prepared };
    } catch (error) {
      for (const path of locatedFiles(error)) stats[path] ??= statSignature(path);
      const failure: Failure = { message: `evaluation failed: ${firstLine(error)}`, stats };
      rmSync(files.watches, { force: true });
      writeFileAtomicSync(files.failed, `${JSON.stringify(failure, null, 2)}\n`);
      return { text: "", state: "background" };
    }
  } finally {
    rmSync(files.lock, { force: true });
  }
}

/**
 * direnv compares watched files' mtimes in whole seconds: a background run that ends within the second of the
 * load would go unnoticed. The stamp's mtime means nothing else, so it moves to the next whole second.
 */
function laterThan(path: string, beforeMs: number): void {
  const seconds = Math.max(Math.floor(beforeMs / 1000) + 1, Math.floor(Date.now() / 1000));
  const current = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (Math.floor(current / 1000) < seconds) utimesSync(path, seconds, seconds);
}

/** The files the last environments were built from, plus the flake's own: what a failed evaluation is tied to. */
async function staleInputs(options: ShellOptions): Promise<string[]> {
  const root = findRoot(options.cwd ?? process.cwd()).root;
  const paths = new Set([join(root, "paved.yaml"), join(root, "flake.nix"), join(root, "flake.lock")]);
  const checkout = slotPaths(cacheRoot(options.env ?? process.env), root, "").checkoutDir;
  const slots = existsSync(checkout) ? readdirSync(checkout, { withFileTypes: true }) : [];
  for (const slot of slots) {
    if (!slot.isDirectory()) continue;
    for (const entry of readEntries(join(checkout, slot.name))) for (const input of entry.inputs) paths.add(input.path);
  }
  return [...paths];
}

/** Files named in an error as FILE:LINE:COL (Nix's `at …`, paved.yaml's own). */
function locatedFiles(error: unknown): string[] {
  const text = error instanceof Error ? error.message : String(error);
  return [...text.matchAll(/(\/[^\s:'"]+):\d+:\d+/g)].map((match) => match[1]!).filter((path) => existsSync(path));
}
