import { arg, defineCommand, lazy } from "../_define.ts";
import { ROLLOUT_EXIT_CODES } from "./_rollout-flags.ts";

export const spec = defineCommand({
  name: "rollout resume",
  summary: "Continue an interrupted or paused rollout from its journal",
  examples: ["paved rollout resume", "paved rollout resume 20261125T101500Z-k3f9"],
  args: { id: arg.optional("rollout id (default: the latest unfinished one)", { complete: "rollout" }) },
  helpAfter: ROLLOUT_EXIT_CODES,
});
export default lazy(spec, () => import("../commands/rollout-resume.ts"));
