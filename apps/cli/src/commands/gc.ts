import { gcEnvironments } from "@paved/devshell";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/gc.ts";

export const run: Handler<typeof spec> = async (_ctx, { options }) => {
  const result = await gcEnvironments({ dryRun: options.dryRun });
  const verb = result.dryRun ? "Would remove" : "Removed";
  const lines = result.removed.map((r) => `${verb} ${r.environments} environment(s) of ${r.root} (${r.reason})`);
  for (const dir of result.removedDirenv) lines.push(`${verb} the direnv state of ${dir} (its .envrc is gone)`);
  const count = result.kept.reduce((sum, k) => sum + k.environments, 0);
  lines.push(`Kept ${count} environment(s) of ${result.kept.length} checkout(s) in ${result.cacheDir}.`);
  if (result.removed.length > 0 && !result.dryRun)
    lines.push("Their GC roots are gone; `nix-collect-garbage` frees the store paths.");
  return { data: result, text: lines.join("\n") };
};
