import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "rollout status",
  summary: "List rollouts, or show one rollout's waves, hosts, failures and rollbacks from its journal",
  examples: ["paved rollout status", "paved rollout status 20261125T101500Z-k3f9 --json", "paved rollout status 20261125T101500Z-k3f9 --probe"],
  configure: (command) =>
    command.argument("[id]", "rollout id").option("--probe", "ask every host (read-only, over SSH) where it is and check that against the journal"),
  load: () => import("../commands/rollout-status.ts"),
});
