import { defineCommand } from "../_define.ts";
import { ROLLOUT_EXIT_CODES } from "./_rollout-flags.ts";

export default defineCommand({
  name: "rollout resume",
  summary: "Continue an interrupted or paused rollout from its journal",
  examples: ["paved rollout resume", "paved rollout resume 20261125T101500Z-k3f9"],
  configure: (command) => command.argument("[id]", "rollout id (default: the latest unfinished one)").addHelpText("after", ROLLOUT_EXIT_CODES),
  load: () => import("../commands/rollout-resume.ts"),
});
