/**
 * The warm path of `paved shell [NAME] [--nixpkgs PATH] [--stale-ok] -- CMD …` without commander, the command
 * registry or the rest of the CLI: bin/paved.mjs tries this first, and it handles the call only when the cache is
 * warm. Anything else (other flags, a cache miss, an error) returns false and the full CLI runs as usual, so this
 * file changes speed, never behaviour.
 */
import { resolve } from "node:path";
import { runPrepared, warmShell } from "@paved/devshell/warm";

interface FastArgs {
  name?: string;
  nixpkgs?: string;
  command: string[];
}

/** Only the plain forms; anything unusual goes to the full CLI, which knows every flag. */
function parse(argv: string[]): FastArgs | undefined {
  if (argv[0] !== "shell") return undefined;
  const dash = argv.indexOf("--");
  if (dash < 0 || dash === argv.length - 1) return undefined;
  const parsed: FastArgs = { command: argv.slice(dash + 1) };
  const words = argv.slice(1, dash);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--stale-ok") continue;
    if (word === "--nixpkgs" && i + 1 < words.length) parsed.nixpkgs = words[++i];
    else if (word.startsWith("--nixpkgs=")) parsed.nixpkgs = word.slice("--nixpkgs=".length);
    else if (!word.startsWith("-") && parsed.name === undefined) parsed.name = word;
    else return undefined;
  }
  return parsed;
}

export async function tryFastShell(argv: string[]): Promise<boolean> {
  const args = parse(argv);
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
  process.removeAllListeners("SIGINT");
  process.on("SIGINT", () => {});
  const run = await runPrepared(prepared, { ...options, command: args.command });
  process.exitCode = run.exitCode;
  return true;
}
