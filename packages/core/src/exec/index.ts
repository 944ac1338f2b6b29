export { exec, mergeEnv, tail } from "./_exec.ts";
export type { ExecOptions, ExecResult } from "./_exec.ts";
export { gitIgnoredPaths, gitIntentToAdd, gitRoot, requireGitRoot, untrackedPaths } from "./_git.ts";
export { isPlainShellWord, shellCommand, shellQuote } from "./_quote.ts";
