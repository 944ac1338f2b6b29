import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "rollout rollback",
  summary: "Return every host a rollout touched to the generation it had before",
  examples: ["paved rollout rollback 20261125T101500Z-k3f9"],
  configure: (command) => command.argument("<id>", "rollout id"),
  load: () => import("../commands/rollout-rollback.ts"),
});
