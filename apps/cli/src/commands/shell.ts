// Kept small on purpose: a warm `paved shell -- CMD` loads only this module and the devshell cache code.
import {
  enterShell,
  planShell,
  runInShell,
  type ShellOptions,
  type ShellPlan,
  type ShellRun,
} from "@paved/devshell/shell";
import { isPavedError } from "@paved/core";
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/shell.ts";

async function askStale(message: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${message}\nUse the last good environment (stale)? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function sourceLine(source: ShellPlan["source"]): string {
  if (!source) return "";
  if ("tree" in source) return `Nix would get a tree of the ${source.tree} files this shell can read`;
  return `Nix would copy the checkout: ${source.checkout}`;
}

function summary(run: ShellRun) {
  return {
    root: run.root,
    shell: run.shell,
    reason: run.reason,
    cache: run.cache,
    ...(run.why ? { why: run.why } : {}),
    capturedAt: run.meta.capturedAt,
    // What Nix evaluated when it was captured: a tree of the files the shell reads, or the checkout and why.
    ...(run.meta.source ? { source: run.meta.source } : {}),
    nixpkgs: run.nixpkgs,
    exitCode: run.exitCode,
    ...(run.staleBecause ? { staleBecause: run.staleBecause } : {}),
  };
}

export const run: Handler<typeof spec> = async (
  ctx,
  { args: { name }, options: { nixpkgs, dryRun, staleOk, refresh }, rest: command },
) => {
  // Ctrl-C belongs to the shell (and to nix while it evaluates): the definition's `foreground` told _signals.ts.
  const shellOptions: ShellOptions = {
    cwd: ctx.dir,
    shell: name,
    // Relative to where the user typed it, also with -C.
    nixpkgs: nixpkgs === undefined ? undefined : resolve(nixpkgs),
    staleOk,
    refresh,
    onProgress: ctx.progress,
    onWarning: ctx.warn,
    // With --json, paved's stdout is the JSON document: the command's own output goes to stderr.
    childStdout: ctx.json ? "stderr" : "stdout",
  };
  if (dryRun) {
    const plan = await planShell(shellOptions);
    const what =
      plan.cache === "hit"
        ? `cache hit (captured ${plan.capturedAt}); no nix would run`
        : `cache miss; would run: ${plan.command?.join(" ")}\n${sourceLine(plan.source)}`;
    const then = command ? `then: ${command.join(" ")}` : `then: ${process.env.SHELL || "bash"}`;
    return {
      data: { ...plan, run: command ?? null },
      text: `${plan.shell} shell of ${plan.root} (${plan.reason}): ${what}\n${then}`,
    };
  }
  const go = (extra: Partial<ShellOptions> = {}) =>
    command ? runInShell({ ...shellOptions, ...extra, command }) : enterShell({ ...shellOptions, ...extra });
  let result: ShellRun;
  try {
    result = await go();
  } catch (error) {
    // Interactive only: offer the last good environment instead of failing outright.
    const stale = isPavedError(error) && error.details.stale !== undefined;
    if (!stale || command || !process.stdin.isTTY || ctx.json || !(await askStale(error.message))) throw error;
    result = await go({ staleOk: true });
  }
  return { data: summary(result), exitCode: result.exitCode };
};
