import { defineCommand } from "../_define.ts";
import { selectionFlags } from "./_rollout-flags.ts";

export default defineCommand({
  name: "rollout plan",
  summary: "Show, per host, the system it runs and what deploying the new one changes (nix store diff-closures)",
  examples: ["paved rollout plan", "paved rollout plan --role bastion --json"],
  configure: (command) => selectionFlags(command),
  load: () => import("../commands/rollout-plan.ts"),
});
