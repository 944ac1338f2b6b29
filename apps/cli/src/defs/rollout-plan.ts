import { defineCommand, lazy } from "../_define.ts";
import { overrideInput, selectionFlags } from "./_rollout-flags.ts";

export const spec = defineCommand({
  name: "rollout plan",
  summary: "Show, per host, the system it runs and what deploying the new one changes (nix store diff-closures)",
  examples: ["paved rollout plan", "paved rollout plan --role bastion --json"],
  options: { ...selectionFlags, overrideInput },
});
export default lazy(spec, () => import("../commands/rollout-plan.ts"));
