// The warm path of `paved shell` alone (`@paved/devshell/warm`), for the CLI's fast entry. Re-exports only.
export { runPrepared, warmShell } from "./shell/_warm.ts";
export { FAST_STAMP_ENV, writeShellStamp } from "./shell/_fast.ts";
