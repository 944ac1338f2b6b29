import { imageFormats } from "@paved/rollout";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/image-formats.ts";
import { overrideInputs } from "./_rollout.ts";

export const run: Handler<typeof spec> = async (ctx, { args, options }) => {
  const result = await imageFormats({
    dir: ctx.dir,
    host: args.host,
    signal: ctx.signal,
    nixArgs: overrideInputs(options.overrideInput),
  });
  return {
    data: result,
    text: [`image formats for ${result.host}:`, ...result.formats.map((f) => `  ${f}`)].join("\n"),
  };
};
