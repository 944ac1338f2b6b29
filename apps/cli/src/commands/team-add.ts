import { resolve } from "node:path";
import { teamAdd } from "@paved/platform";
import { looksLikeSecret } from "@paved/core";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/team-add.ts";
import { platformOutput } from "./_platform-output.ts";

export const run: Handler<typeof spec> = async (ctx, { args: { user }, options }) => {
  const key = options.key;
  const groups =
    options.groups !== undefined
      ? options.groups
          .split(",")
          .map((g) => g.trim())
          .filter(Boolean)
      : undefined;
  const change = await teamAdd({
    dir: ctx.dir,
    user,
    // Relative to where the command was started, as a person typing a path expects. A pasted token is passed
    // as is, so teamAdd recognises and refuses it instead of reporting a missing file named after it.
    keyFile: looksLikeSecret(key) ? key : resolve(key),
    ...(groups ? { groups } : {}),
    ...(options.expires === undefined ? {} : { expires: options.expires }),
    ...(options.jumpOnly ? { jumpOnly: true } : {}),
    dryRun: options.dryRun,
    force: options.force,
  });
  return platformOutput(change, `${user} is on the roster; they get access on each host's next deploy.`);
};
