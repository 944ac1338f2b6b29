/**
 * The warm path of `paved shell [NAME] [--nixpkgs PATH] [--stale-ok] -- CMD …` without commander, the command
 * registry or the rest of the CLI: bin/paved.mjs tries this first, and it handles the call only when the cache is
 * warm. Anything else (other flags, a cache miss, an error) returns false and the full CLI runs as usual, so this
 * file changes speed, never behaviour.
 */
import { resolve } from "node:path";
import { runPrepared, warmShell, writeShellStamp } from "@paved/devshell/warm";
import { parseShellArgs } from "./_shell-args.ts";

/** `stampFile`: where bin/paved looks for its stamp (PAVED_FAST_STAMP), written here after a verified hit. */
export async function tryFastShell(argv: string[], stampFile?: string): Promise<boolean> {
  const parsed = parseShellArgs(argv);
  // Only the plain forms: program flags, --dry-run, --refresh and anything odd go to the full CLI.
  if (!parsed.ok || argv[0] !== "shell") return false;
  const args = parsed.args;
  if (!args.command || args.command.length === 0 || args.globals || args.dryRun || args.refresh) return false;
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
  process.removeAllListeners("SIGINT");
  process.on("SIGINT", () => {});
  try {
    const run = await runPrepared(prepared, { ...options, command: args.command });
    process.exitCode = run.exitCode;
    return true;
  } catch {
    // bash could not start; nothing ran yet, so the full CLI can report it properly.
    return false;
  }
}
