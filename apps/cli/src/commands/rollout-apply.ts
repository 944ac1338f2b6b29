import { applyRollout } from "@paved/rollout";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/rollout-apply.ts";
import { overrideInputs, progress, resultExit, resultSummary, selection, summaryText } from "./_rollout.ts";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const result = await applyRollout({
    dir: ctx.dir,
    select: selection(options),
    waves: options.waves,
    concurrency: options.concurrency !== undefined ? Number(options.concurrency) : undefined,
    failureBudget:
      options.failureBudget !== undefined
        ? /%$/.test(options.failureBudget)
          ? options.failureBudget
          : Number(options.failureBudget)
        : undefined,
    bake: options.bake,
    pause: options.pause,
    mode: options.mode,
    buildHost: options.buildHost,
    substituteOnDestination: options.substituteOnDestination ? true : undefined,
    healthTimeout: options.healthTimeout,
    confirmTimeout: options.confirmTimeout,
    activationTimeout: options.activationTimeout,
    dryRun: options.dryRun,
    nixArgs: overrideInputs(options.overrideInput),
    onEvent: progress(ctx),
    onProgress: ctx.verbose ? ctx.progress : undefined,
    signal: ctx.signal,
  });
  const summary = resultSummary(result);
  if (result.outcome === "planned") {
    const text = [
      `would roll out to ${result.state.header.hosts.length} host(s) (dry run; nothing changed):`,
      ...result.state.waves.map((w, i) => `  wave ${i + 1} ${w.name}: ${w.hosts.join(", ")}`),
    ];
    return {
      data: { id: null, outcome: "planned", waves: summary.waves, header: result.state.header },
      text: text.join("\n"),
    };
  }
  return {
    data: { ...summary, journal: result.journal },
    text: `${summaryText(summary)}\n  journal: ${result.journal}`,
    exitCode: resultExit(result),
  };
};
