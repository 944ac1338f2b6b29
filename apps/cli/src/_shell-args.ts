/**
 * The arguments of `paved shell [NAME] [FLAGS] [-- CMD ARGS…]`, read from argv by hand. Commander cannot do it:
 * `shell` is also the group of `shell add`/`shell remove`, whose own `--nixpkgs` and `--dry-run` the group would
 * swallow if it declared them (commander hands every unknown-to-the-program flag to the group before the
 * subcommand sees it). So the group declares only the flags no subcommand has, and this parser reads the rest.
 * Also used by the fast entry (fast-shell.ts), so it must stay dependency-free.
 */
export interface ShellArgs {
  name?: string;
  /** Everything after `--`; undefined without `--`. */
  command?: string[];
  nixpkgs?: string;
  dryRun: boolean;
  staleOk: boolean;
  refresh: boolean;
  /** Flags of the whole program seen after `shell` (--json, --quiet, …); only the full CLI handles those. */
  globals: boolean;
}

export const SHELL_FLAGS = ["--nixpkgs", "--dry-run", "--stale-ok", "--refresh"] as const;
const GLOBAL_SWITCHES = new Set(["--json", "-q", "--quiet", "-v", "--verbose", "--no-color"]);
const GLOBAL_WITH_VALUE = new Set(["-C", "--dir"]);

export type ShellArgsResult = { ok: true; args: ShellArgs } | { ok: false; unknown: string };

/** `argv` starts after the program name (process.argv.slice(2)). */
export function parseShellArgs(argv: readonly string[]): ShellArgsResult {
  let at = 0;
  while (at < argv.length && argv[at] !== "shell") at += GLOBAL_WITH_VALUE.has(argv[at]!) ? 2 : 1;
  const dash = argv.indexOf("--", at + 1);
  const words = argv.slice(at + 1, dash < 0 ? undefined : dash);
  const args: ShellArgs = { dryRun: false, staleOk: false, refresh: false, globals: at > 0 };
  if (dash >= 0) args.command = argv.slice(dash + 1);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--nixpkgs" && i + 1 < words.length) args.nixpkgs = words[++i];
    else if (word.startsWith("--nixpkgs=")) args.nixpkgs = word.slice("--nixpkgs=".length);
    else if (word === "--dry-run") args.dryRun = true;
    else if (word === "--stale-ok") args.staleOk = true;
    else if (word === "--refresh") args.refresh = true;
    else if (GLOBAL_SWITCHES.has(word) || word.startsWith("--dir=")) args.globals = true;
    else if (GLOBAL_WITH_VALUE.has(word)) {
      args.globals = true;
      i++;
    } else if (!word.startsWith("-") && args.name === undefined) args.name = word;
    else return { ok: false, unknown: word };
  }
  return { ok: true, args };
}
