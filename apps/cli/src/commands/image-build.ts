import { buildImage } from "@paved/rollout";
import { PavedError } from "@paved/core";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/image-build.ts";
import { overrideInputs } from "./_rollout.ts";

export const run: Handler<typeof spec> = async (ctx, { args, options }) => {
  if (options.format === undefined)
    throw new PavedError("E_USAGE", "image build needs --format", { hint: "List formats with `paved image formats`." });
  const result = await buildImage({
    dir: ctx.dir,
    host: args.host,
    format: options.format,
    signal: ctx.signal,
    onProgress: ctx.progress,
    dryRun: options.dryRun,
    nixArgs: overrideInputs(options.overrideInput),
  });
  if (options.dryRun) return { data: result, text: `would run: ${result.command.join(" ")}` };
  const mib = (result.size / 1024 / 1024).toFixed(1);
  return {
    data: result,
    text: [
      `${result.host} ${result.format} image:`,
      `  path:   ${result.path}`,
      `  size:   ${result.size} bytes (${mib} MiB)`,
      `  sha256: ${result.sha256}`,
    ].join("\n"),
  };
};
