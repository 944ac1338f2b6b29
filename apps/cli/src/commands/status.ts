import type { Handler } from "../_define.ts";
import type { spec } from "../defs/status.ts";
import { EXIT } from "../_exit-codes.ts";
import { paint } from "../_output.ts";
import { formatStatus, migrationStatus } from "@paved/platform";

export const run: Handler<typeof spec> = async (ctx) => {
  const status = await migrationStatus({ dir: ctx.dir });
  // 5 lets CI gate on drift while still printing the whole report (documented in docs/cli.md).
  return {
    data: status,
    text: formatStatus(status, paint(ctx.color), ctx.verbose),
    exitCode: status.attention ? EXIT.attention : EXIT.ok,
  };
};
