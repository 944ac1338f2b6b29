import { hostAdd } from "@paved/platform";
import type { CommandHandler } from "../_context.ts";
import { platformOutput } from "./_platform-output.ts";

export const run: CommandHandler = async (ctx, args, options) => {
  const name = args[0]!;
  const change = await hostAdd({
    dir: ctx.dir,
    name,
    role: String(options.role),
    ...(options.address === undefined ? {} : { address: String(options.address) }),
    ...(options.system === undefined ? {} : { system: String(options.system) }),
    dryRun: options.dryRun === true,
    force: options.force === true,
  });
  return platformOutput(change, `Added host ${name} (role ${String(options.role)}). Commit, then deploy it with nixos-rebuild --flake .#${name}.`);
};
