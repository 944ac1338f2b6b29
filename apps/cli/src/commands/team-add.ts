import { resolve } from "node:path";
import { teamAdd } from "@paved/platform";
import { looksLikeSecret } from "@paved/core";
import type { CommandHandler } from "../_context.ts";
import { platformOutput } from "./_platform-output.ts";

export const run: CommandHandler = async (ctx, args, options) => {
  const user = args[0]!;
  const key = String(options.key);
  const groups = typeof options.groups === "string" ? options.groups.split(",").map((g) => g.trim()).filter(Boolean) : undefined;
  const change = await teamAdd({
    dir: ctx.dir,
    user,
    // Relative to where the command was started, as a person typing a path expects. A pasted token is passed
    // as is, so teamAdd recognises and refuses it instead of reporting a missing file named after it.
    keyFile: looksLikeSecret(key) ? key : resolve(key),
    ...(groups ? { groups } : {}),
    ...(options.expires === undefined ? {} : { expires: String(options.expires) }),
    ...(options.jumpOnly === true ? { jumpOnly: true } : {}),
    dryRun: options.dryRun === true,
    force: options.force === true,
  });
  return platformOutput(change, `${user} is on the roster; they get access on each host's next deploy.`);
};
