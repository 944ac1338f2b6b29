import { rollbackRollout, summarize } from "@paved/rollout";
import type { CommandHandler } from "../_context.ts";
import { progress, summaryText } from "./_rollout.ts";

export const run: CommandHandler = async (ctx, args) => {
  const result = await rollbackRollout({ dir: ctx.dir, id: args[0]!, onEvent: progress(ctx), signal: ctx.signal });
  const summary = summarize(result.state);
  return { data: { ...summary, journal: result.journal }, text: summaryText(summary) };
};
