/**
 * What `paved direnv-export` prints for `.envrc` to eval: a `watch_file` for every input the environment was built
 * from (so editing an imported .nix file reloads direnv), then the cached environment script itself. When
 * evaluation fails, direnv keeps working with the last good environment and says loudly that it is stale —
 * breaking every terminal in the project over a typo in flake.nix would be worse.
 */
import { readFileSync } from "node:fs";
import { prepareShell } from "../shell/_enter.ts";
import type { PreparedShell, ShellOptions } from "../shell/_warm.ts";
import { shellQuote } from "./_envrc.ts";

export interface DirenvExport {
  text: string;
  prepared: PreparedShell;
}

export async function direnvExport(options: ShellOptions = {}): Promise<DirenvExport> {
  const prepared = await prepareShell({ staleOk: true, ...options });
  const lines = watchedFiles(prepared).map((path) => `watch_file ${shellQuote(path)}`);
  lines.push(`export PAVED_SHELL=${shellQuote(prepared.shell)} PAVED_SHELL_ROOT=${shellQuote(prepared.root)}`);
  if (prepared.cache === "stale") {
    lines.push(`export PAVED_SHELL_STALE=${shellQuote(prepared.meta.capturedAt)}`);
    lines.push(`log_error ${shellQuote(`paved: STALE environment from ${prepared.meta.capturedAt}; evaluation failed: ${prepared.staleBecause?.split("\n")[0] ?? ""}`)}`);
  } else {
    lines.push("unset PAVED_SHELL_STALE");
  }
  lines.push(readFileSync(prepared.rcPath, "utf8"));
  return { text: `${lines.join("\n")}\n`, prepared };
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
