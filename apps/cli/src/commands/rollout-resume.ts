import { listRollouts, readRollouts, resumeRollout } from "@paved/rollout";
import { PavedError } from "@paved/core";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/rollout-resume.ts";
import { progress, resultExit, resultSummary, summaryText } from "./_rollout.ts";

export const run: Handler<typeof spec> = async (ctx, { args }) => {
  let id = args.id;
  if (!id) {
    const open = readRollouts(ctx.dir).filter(
      (r) => r.outcome === "running" || r.outcome === "paused" || r.outcome === "incomplete",
    );
    if (open.length === 0) {
      throw new PavedError(
        "E_USAGE",
        listRollouts(ctx.dir).length ? "No interrupted or paused rollout to resume." : "No rollouts recorded here.",
        {
          hint: "See `paved rollout status`.",
        },
      );
    }
    id = open.at(-1)!.id;
  }
  const result = await resumeRollout({
    dir: ctx.dir,
    id,
    onEvent: progress(ctx),
    onProgress: ctx.verbose ? ctx.progress : undefined,
    signal: ctx.signal,
  });
  const summary = resultSummary(result);
  return { data: { ...summary, journal: result.journal }, text: summaryText(summary), exitCode: resultExit(result) };
};
