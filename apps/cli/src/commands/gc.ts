import { gcEnvironments } from "@paved/devshell";
import type { CommandHandler } from "../_context.ts";

export const run: CommandHandler = async (_ctx, _args, options) => {
  const result = await gcEnvironments({ dryRun: options.dryRun === true });
  const verb = result.dryRun ? "Would remove" : "Removed";
  const lines = result.removed.map((r) => `${verb} ${r.environments} environment(s) of ${r.root} (${r.reason})`);
  for (const dir of result.removedDirenv) lines.push(`${verb} the direnv state of ${dir} (its .envrc is gone)`);
  const count = result.kept.reduce((sum, k) => sum + k.environments, 0);
  lines.push(`Kept ${count} environment(s) of ${result.kept.length} checkout(s) in ${result.cacheDir}.`);
  if (result.removed.length > 0 && !result.dryRun) lines.push("Their GC roots are gone; `nix-collect-garbage` frees the store paths.");
  return { data: result, text: lines.join("\n") };
};
