import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "rollout status",
  summary: "List rollouts, or show one rollout's waves, hosts, failures and rollbacks from its journal",
  examples: ["paved rollout status", "paved rollout status 20261125T101500Z-k3f9 --json"],
  configure: (command) => command.argument("[id]", "rollout id"),
  load: () => import("../commands/rollout-status.ts"),
});
