import { imageFormats } from "@paved/rollout";
import type { CommandHandler } from "../_context.ts";
import { overrideInputs } from "./_rollout.ts";

export const run: CommandHandler = async (ctx, args, options) => {
  const result = await imageFormats({ dir: ctx.dir, host: args[0], signal: ctx.signal, nixArgs: overrideInputs(options.overrideInput) });
  return { data: result, text: [`image formats for ${result.host}:`, ...result.formats.map((f) => `  ${f}`)].join("\n") };
};
