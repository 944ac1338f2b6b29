import { resolve } from "node:path";
import type { CommandHandler } from "../_context.ts";
import { EXIT } from "../_exit-codes.ts";
import { writeReport } from "../platform/report-html.ts";

export const run: CommandHandler = async (ctx, _args, options) => {
  const file = resolve(process.cwd(), String(options.html));
  const { status, bytes } = await writeReport({ dir: ctx.dir, file });
  const text = [`Wrote ${file} (${Math.ceil(bytes / 1024)} KiB, self-contained: open it in any browser, no network needed).`];
  if (status.attention) text.push("Some items need a person: see `paved status`.");
  return { data: { file, bytes, status }, text: text.join("\n"), exitCode: status.attention ? EXIT.attention : EXIT.ok };
};
