import { applyRollout, summarize } from "@paved/rollout";
import type { CommandHandler } from "../_context.ts";
import { overrideInputs, progress, resultExit, selection, summaryText } from "./_rollout.ts";

export const run: CommandHandler = async (ctx, _args, options) => {
  const result = await applyRollout({
    dir: ctx.dir,
    select: selection(options),
    waves: options.waves as string | undefined,
    concurrency: options.concurrency !== undefined ? Number(options.concurrency) : undefined,
    failureBudget: options.failureBudget !== undefined ? (/%$/.test(String(options.failureBudget)) ? String(options.failureBudget) : Number(options.failureBudget)) : undefined,
    bake: options.bake as string | undefined,
    pause: options.pause === true,
    mode: options.mode as "switch" | "boot" | "test" | undefined,
    buildHost: options.buildHost as string | undefined,
    substituteOnDestination: options.substituteOnDestination === true ? true : undefined,
    healthTimeout: options.healthTimeout as string | undefined,
    confirmTimeout: options.confirmTimeout as string | undefined,
    activationTimeout: options.activationTimeout as string | undefined,
    dryRun: options.dryRun === true,
    nixArgs: overrideInputs(options.overrideInput),
    onEvent: progress(ctx),
    onProgress: ctx.verbose ? ctx.progress : undefined,
    signal: ctx.signal,
  });
  const summary = { ...summarize(result.state), ...(result.outcome === "incomplete" ? { outcome: "incomplete" as const, message: result.message } : {}) };
  if (result.outcome === "planned") {
    const text = [`would roll out to ${result.state.header.hosts.length} host(s) (dry run; nothing changed):`, ...result.state.waves.map((w, i) => `  wave ${i + 1} ${w.name}: ${w.hosts.join(", ")}`)];
    return { data: { id: null, outcome: "planned", waves: summary.waves, header: result.state.header }, text: text.join("\n") };
  }
  return { data: { ...summary, journal: result.journal }, text: `${summaryText(summary)}\n  journal: ${result.journal}`, exitCode: resultExit(result) };
};
