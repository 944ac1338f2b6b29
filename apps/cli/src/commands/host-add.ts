import { hostAdd } from "@paved/baseline";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/host-add.ts";
import { refuseInApplicationRepo } from "./_app-guard.ts";
import { platformOutput } from "./_platform-output.ts";

export const run: Handler<typeof spec> = async (ctx, { args: { name }, options }) => {
  await refuseInApplicationRepo(ctx.dir, "host add");
  const change = await hostAdd({
    dir: ctx.dir,
    name,
    role: options.role,
    ...(options.address === undefined ? {} : { address: options.address }),
    ...(options.system === undefined ? {} : { system: options.system }),
    dryRun: options.dryRun,
    force: options.force,
  });
  return platformOutput(change, `Added host ${name} (role ${options.role}). Commit, then deploy it with nixos-rebuild --flake .#${name}.`);
};
