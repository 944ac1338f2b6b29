import { teamRemove } from "@paved/platform";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/team-remove.ts";
import { platformOutput } from "./_platform-output.ts";

export const run: Handler<typeof spec> = async (ctx, { args: { user }, options }) => {
  const change = await teamRemove({ dir: ctx.dir, user, dryRun: options.dryRun, force: options.force });
  return platformOutput(change, `${user} is off the roster; deploy every host to remove their account and keys.`);
};
