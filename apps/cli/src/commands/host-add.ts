import { hostAdd } from "@paved/platform";
import type { CommandHandler } from "../_context.ts";
import { platformOutput, readinessText } from "./_platform-output.ts";

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
  const out = platformOutput(change, `Added host ${name} (role ${String(options.role)}).`);
  return { ...out, data: { ...(out.data as object), readiness: change.readiness }, text: `${out.text}\n${readinessText(change.readiness)}` };
};
