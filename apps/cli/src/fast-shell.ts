/**
 * The warm path of `paved shell [NAME] [--nixpkgs PATH] [--stale-ok] -- CMD …` without commander, the command
 * registry or the rest of the CLI: bin/paved.cjs tries this first, and it handles the call only when the cache is
 * warm. Anything else (other flags, a cache miss, an error) returns false and the full CLI runs as usual, so this
 * file changes speed, never behaviour. The full command (defs/shell.ts, parsed by commander) is the parser of
 * record; the check below only recognises the plain forms and leaves every other command line to it.
 */
import { resolve } from "node:path";
import { runPrepared, warmShell, writeShellStamp } from "@paved/devshell/warm";
import { installSignals } from "./_signals.ts";

interface PlainShell {
  name?: string;
  nixpkgs?: string;
  staleOk: boolean;
  command: string[];
}

/** `shell [NAME] [--nixpkgs P | --nixpkgs=P] [--stale-ok] -- CMD…` and nothing else (a bare `--` ends the flags). */
function plainShell(argv: readonly string[]): PlainShell | undefined {
  const dash = argv.indexOf("--");
  if (argv[0] !== "shell" || dash < 0 || dash === argv.length - 1) return undefined;
  const plain: PlainShell = { staleOk: false, command: argv.slice(dash + 1) };
  const words = argv.slice(1, dash);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--nixpkgs" && i + 1 < words.length) plain.nixpkgs = words[++i];
    else if (word.startsWith("--nixpkgs=")) plain.nixpkgs = word.slice("--nixpkgs=".length);
    else if (word === "--stale-ok") plain.staleOk = true;
    // A subcommand's name (`shell add … -- x`) is not a shell name: the full CLI answers it.
    else if (!word.startsWith("-") && plain.name === undefined && word !== "add" && word !== "remove")
      plain.name = word;
    else return undefined;
  }
  return plain;
}

/** `stampFile`: where bin/paved looks for its stamp (PAVED_FAST_STAMP), written here after a verified hit. */
export async function tryFastShell(argv: string[], stampFile?: string): Promise<boolean> {
  const args = plainShell(argv);
  if (!args) return false;
  const cwd = process.cwd();
  const options = { cwd, shell: args.name, nixpkgs: args.nixpkgs ? resolve(cwd, args.nixpkgs) : undefined };
  let prepared;
  try {
    prepared = await warmShell(options);
  } catch {
    return false;
  }
  if (!prepared) return false;
  if (stampFile) await writeShellStamp(stampFile, prepared, { cwd, shell: args.name });
  installSignals().foreground();
  try {
    const run = await runPrepared(prepared, { ...options, command: args.command });
    process.exitCode = run.exitCode;
    return true;
  } catch {
    // bash could not start; nothing ran yet, so the full CLI can report it properly.
    return false;
  }
}
