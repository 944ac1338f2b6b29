import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { PavedError } from "@paved/core";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/report.ts";
import { EXIT } from "../_exit-codes.ts";
import { writeReport } from "@paved/platform";

export const run: Handler<typeof spec> = async (ctx, { options }) => {
  const file = resolve(process.cwd(), options.html);
  // Checked before the (slow) status walk, so a mistyped --html fails at once and as bad input, not as a bug.
  if ((await stat(file).catch(() => undefined))?.isDirectory()) {
    throw new PavedError("E_INPUT", `--html ${options.html} is a directory`, {
      hint: "Name the HTML file to write, e.g. --html report.html.",
      details: { file },
    });
  }
  const { status, bytes } = await writeReport({ dir: ctx.dir, file });
  const text = [
    `Wrote ${file} (${Math.ceil(bytes / 1024)} KiB, self-contained: open it in any browser, no network needed).`,
  ];
  if (status.attention) text.push("Some items need a person: see `paved status`.");
  return {
    data: { file, bytes, status },
    text: text.join("\n"),
    exitCode: status.attention ? EXIT.attention : EXIT.ok,
  };
};
