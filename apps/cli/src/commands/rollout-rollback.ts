import { rollbackRollout, summarize } from "@paved/rollout";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/rollout-rollback.ts";
import { progress, summaryText } from "./_rollout.ts";

export const run: Handler<typeof spec> = async (ctx, { args }) => {
  const result = await rollbackRollout({ dir: ctx.dir, id: args.id, onEvent: progress(ctx), signal: ctx.signal });
  const summary = summarize(result.state);
  return { data: { ...summary, journal: result.journal }, text: summaryText(summary) };
};
