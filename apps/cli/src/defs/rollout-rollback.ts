import { arg, defineCommand, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "rollout rollback",
  summary: "Return every host a rollout touched to the generation it had before",
  examples: ["paved rollout rollback 20261125T101500Z-k3f9"],
  args: { id: arg.required("rollout id", { complete: "rollout" }) },
});
export default lazy(spec, () => import("../commands/rollout-rollback.ts"));
