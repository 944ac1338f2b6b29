/**
 * `paved shell`: the environment for the working directory comes from the cache when every input still hashes the
 * same (no Nix process at all, see _warm.ts), else it is captured once with the real Nix; then one command runs in
 * it or the user's own shell starts. When evaluation fails, the last good environment is offered, marked stale.
 */
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { isPavedError, PavedError } from "@paved/core";
import { readEntry, readText, type EntryMeta } from "./_cache.ts";
import { locateRoot, type Located } from "./_locate.ts";
import {
  hit,
  lookup,
  missReasons,
  resolveSlot,
  runPrepared,
  shellEnv,
  waitFor,
  withBuildTop,
  type CacheState,
  type ColdHelpers,
  type PreparedShell,
  type ShellOptions,
  type ShellRun,
} from "./_warm.ts";

/** The cold path may parse paved.yaml and ask git; both load on first use only. */
const cold: ColdHelpers = {
  readConfig: async (root) => (await import("./_config.ts")).readShellConfig(root),
  listInputs: async (root, evaluated) => (await import("./_inputs.ts")).listInputs(root, evaluated),
};

/** The nearest directory upwards with a flake.nix, or the error a person needs when there is none. */
export function findRoot(cwd: string): Located {
  const located = locateRoot(cwd);
  if (located) return located;
  throw new PavedError("E_SHELL_NO_FLAKE", `No flake.nix in ${cwd} or any directory above it.`, {
    hint: "Run `paved init` at the repository root to write paved.yaml, flake.nix and .envrc, or cd into a project that has a flake.nix.",
    details: { dir: cwd },
  });
}

async function coldSlot(options: ShellOptions) {
  return (await resolveSlot(options, findRoot(options.cwd ?? process.cwd()), cold))!;
}

/** The cached environment when it is warm (no Nix), else undefined; a bad paved.yaml still throws. */
export async function prepareWarm(options: ShellOptions = {}): Promise<PreparedShell | undefined> {
  const slot = await coldSlot(options);
  if (options.refresh) return undefined;
  const warm = await lookup(slot.slotDir, slot.parts, cold);
  return warm ? hit(slot, warm) : undefined;
}

/** Why the latest environment of the directory's shell is not warm ("nix/tools.nix changed"). */
export async function staleReasons(options: ShellOptions = {}): Promise<string[]> {
  const slot = await coldSlot(options);
  return missReasons(slot.slotDir, slot.base.root);
}

/** Finds or captures the environment; never starts a shell. */
export async function prepareShell(options: ShellOptions = {}): Promise<PreparedShell> {
  const slot = await coldSlot(options);
  const { base, parts, slotDir } = slot;
  if (!options.refresh) {
    const warm = await lookup(slotDir, parts, cold);
    if (warm) return hit(slot, warm);
  }
  const { capture } = await import("./_capture.ts");
  const why = options.refresh ? ["--refresh"] : missReasons(slotDir, base.root);
  options.onProgress?.(
    `paved: evaluating the ${base.shell} shell with Nix (${why.slice(0, 3).join(", ")}${why.length > 3 ? `, +${why.length - 3} more` : ""})`,
  );
  try {
    const captured = await capture({
      ...parts,
      slotDir,
      signal: options.signal,
      onProgress: options.onProgress,
      onWarning: options.onWarning,
      ...(options.refresh ? { fresh: true } : {}),
    });
    const state: CacheState = options.refresh ? "refresh" : "miss";
    return {
      ...base,
      cache: state,
      why,
      entryDir: captured.dir,
      rcPath: join(captured.dir, "rc.sh"),
      meta: captured.meta,
    };
  } catch (error) {
    if (!isPavedError(error) || error.code === "E_NIX_MISSING" || error.code === "E_NIX_CANCELLED") throw error;
    // The name is only known to be wrong once Nix has looked (a hand-written flake may define any shell).
    if (
      error.code === "E_NIX_EVAL" &&
      error.message.includes(`does not provide attribute 'devShells.`) &&
      error.message.includes(`.${base.shell}'`)
    ) {
      throw new PavedError(
        "E_SHELL_UNKNOWN",
        `the flake in ${base.root} has no dev shell named ${JSON.stringify(base.shell)}`,
        {
          hint: "Check the name (`paved shell --help`), or add it under shells in paved.yaml and run `paved sync`.",
          details: { shell: base.shell, root: base.root },
          cause: error,
        },
      );
    }
    const latest = readText(join(slotDir, "latest"))?.trim();
    const last = latest ? readEntry(slotDir, latest) : undefined;
    if (!last) throw error;
    if (!options.staleOk) {
      throw new PavedError(
        error.code,
        `${error.message}\nThe last good environment (captured ${last.capturedAt}) is still cached.`,
        {
          hint: `${error.hint ? `${error.hint} ` : ""}Or run again with --stale-ok to use the last good environment, marked stale.`,
          details: { ...error.details, stale: { capturedAt: last.capturedAt, key: last.key } },
          cause: error,
        },
      );
    }
    options.onWarning?.(
      `paved: evaluating the ${base.shell} shell failed; using the last good environment from ${last.capturedAt} (STALE).\n  ${error.message.split("\n")[0]}`,
    );
    return {
      ...base,
      cache: "stale",
      staleBecause: error.message,
      entryDir: join(slotDir, last.id),
      rcPath: join(slotDir, last.id, "rc.sh"),
      meta: last,
    };
  }
}

export interface ShellPlan extends Pick<PreparedShell, "root" | "shell" | "reason" | "nixpkgs"> {
  cache: "hit" | "miss";
  capturedAt?: string;
  /** On a miss: the nix command that would capture the environment. */
  command?: string[];
  /** On a miss: a tree of this many files the shell can read, or the checkout itself and why (shell/_source.ts). */
  source?: EntryMeta["source"];
}

/** `--dry-run`: which shell, whether the cache is warm, and the nix command a miss would run. Runs no nix. */
export async function planShell(options: ShellOptions = {}): Promise<ShellPlan> {
  const slot = await coldSlot(options);
  const warm = options.refresh ? undefined : await lookup(slot.slotDir, slot.parts, cold);
  if (warm) return { ...slot.base, cache: "hit", capturedAt: warm.capturedAt };
  const { capture } = await import("./_capture.ts");
  const captured = await capture({ ...slot.parts, slotDir: slot.slotDir, dryRun: true });
  return { ...slot.base, cache: "miss", command: captured.dryRunCommand, source: captured.dryRunSource };
}

/** Captures the environment with the real Nix now, cached or not (what `paved shell --refresh` does first). */
export function captureEnvironment(options: ShellOptions = {}): Promise<PreparedShell> {
  return prepareShell({ ...options, refresh: true, staleOk: false });
}

/** `paved shell -- CMD ARGS…`: runs the command in the environment and returns its exit code. */
export async function runInShell(options: ShellOptions & { command: string[] }): Promise<ShellRun> {
  if (options.command.length === 0)
    throw new PavedError("E_USAGE", "No command to run.", { hint: "Usage: paved shell [NAME] -- CMD [ARGS…]" });
  const prepared = await prepareShell(options);
  try {
    return await runPrepared(prepared, options);
  } catch (error) {
    throw new PavedError("E_SHELL_SPAWN", `Cannot start bash to enter the shell: ${(error as Error).message}`, {
      hint: "nix develop needs bash too; install bash or put it on PATH.",
      cause: error,
    });
  }
}

/** The environment bash has after the rc and the shell hook: every exported variable, read with bash builtins. */
const DUMP_ENV = 'for __v in $(compgen -e); do printf \'%s=%s\\0\' "$__v" "${!__v}"; done >&3';

function capturedEnvironment(prepared: PreparedShell, cwd: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rc = prepared.rcPath.replaceAll("'", `'\\''`);
  // The hook's own exit status does not matter (nix develop ignores it too); only the environment after it.
  const dumped = spawnSync("bash", ["-c", `. '${rc}'\n${DUMP_ENV}`], {
    cwd,
    env,
    stdio: ["inherit", "inherit", "inherit", "pipe"],
  });
  const raw = dumped.output?.[3];
  if (dumped.error || !raw || raw.length === 0) {
    throw new PavedError(
      "E_SHELL_HOOK",
      `Could not load the ${prepared.shell} shell's environment (bash exit ${dumped.status}).`,
      {
        hint: `Run \`paved shell ${prepared.shell} -- true\` to see the shell hook's output, and fix the shellHook in flake.nix or paved.yaml.`,
      },
    );
  }
  const result: NodeJS.ProcessEnv = {};
  for (const pair of raw.toString("utf8").split("\0")) {
    const eq = pair.indexOf("=");
    if (eq > 0) result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

/**
 * Interactive entry in the user's $SHELL. bash on a terminal gets the environment through --rcfile (after
 * ~/.bashrc, like nix develop), so functions from the shell hook stay defined. Any other shell (zsh, fish, …), and
 * any shell reading commands from a pipe, starts with the environment bash has after the rc and the shell hook:
 * exported variables carry over, bash functions cannot.
 */
export async function enterShell(options: ShellOptions & { terminal?: boolean } = {}): Promise<ShellRun> {
  const prepared = await prepareShell(options);
  const base = options.env ?? process.env;
  const env = shellEnv(prepared, base);
  const cwd = options.cwd ?? process.cwd();
  const userShell = base.SHELL || "bash";
  const terminal = options.terminal ?? process.stdin.isTTY === true;
  const stdout = options.childStdout ? { childStdout: options.childStdout } : {};
  if (basename(userShell) === "bash" && terminal) {
    const exitCode = await withBuildTop(env, () =>
      waitFor([userShell, "--rcfile", join(prepared.entryDir, "interactive.sh")], { cwd, env, ...stdout }),
    );
    return { ...prepared, exitCode };
  }
  // The rc's NIX_BUILD_TOP must outlive the capture (it is the shell's TMPDIR) and go when the shell ends.
  const exitCode = await withBuildTop(env, () => {
    const shellEnvironment = { ...capturedEnvironment(prepared, cwd, env), SHELL: userShell };
    return waitFor([userShell], { cwd, env: shellEnvironment, ...stdout });
  });
  return { ...prepared, exitCode };
}
