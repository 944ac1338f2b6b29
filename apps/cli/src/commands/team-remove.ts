import { teamRemove } from "@paved/platform";
import type { CommandHandler } from "../_context.ts";
import { platformOutput } from "./_platform-output.ts";

export const run: CommandHandler = async (ctx, args, options) => {
  const user = args[0]!;
  const change = await teamRemove({ dir: ctx.dir, user, dryRun: options.dryRun === true, force: options.force === true });
  return platformOutput(change, `${user} is off the roster; deploy every host to remove their account and keys.`);
};
