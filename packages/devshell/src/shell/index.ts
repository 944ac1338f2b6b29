// `paved shell`: locating the shell, the environment cache, capture and entry. Re-exports only.
export { cacheRoot, checkoutId, type CheckoutMeta, type EntryMeta, type InputFile } from "./_cache.ts";
export { captureCommand, KEEP_ENTRIES } from "./_capture.ts";
export { cacheKey, currentSystem, nixIdentity } from "./_fingerprint.ts";
export { locateRoot, shellForDir, type Located, type ShellChoice } from "./_locate.ts";
export { renderRc, type DevEnv, type DevEnvVariable } from "./_rc.ts";
export {
  captureEnvironment,
  enterShell,
  findRoot,
  planShell,
  prepareShell,
  runInShell,
  type ShellPlan,
} from "./_enter.ts";
export {
  runPrepared,
  shellEnv,
  warmShell,
  type CacheState,
  type PreparedShell,
  type ShellOptions,
  type ShellRun,
} from "./_warm.ts";
