import { hostAdd } from "@paved/platform";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/host-add.ts";
import { platformOutput, readinessText } from "./_platform-output.ts";

export const run: Handler<typeof spec> = async (ctx, { args: { name }, options }) => {
  const change = await hostAdd({
    dir: ctx.dir,
    name,
    role: options.role,
    ...(options.address === undefined ? {} : { address: options.address }),
    ...(options.system === undefined ? {} : { system: options.system }),
    dryRun: options.dryRun,
    force: options.force,
  });
  const out = platformOutput(change, `Added host ${name} (role ${options.role}).`);
  return {
    ...out,
    data: { ...(out.data as object), readiness: change.readiness },
    text: `${out.text}\n${readinessText(change.readiness)}`,
  };
};
