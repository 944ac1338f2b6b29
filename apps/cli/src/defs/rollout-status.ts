import { arg, defineCommand, flag, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "rollout status",
  summary: "List rollouts, or show one rollout's waves, hosts, failures and rollbacks from its journal",
  examples: [
    "paved rollout status",
    "paved rollout status 20261125T101500Z-k3f9 --json",
    "paved rollout status 20261125T101500Z-k3f9 --probe",
  ],
  args: { id: arg.optional("rollout id", { complete: "rollout" }) },
  options: {
    probe: flag("--probe", "ask every host (read-only, over SSH) where it is and check that against the journal"),
  },
});
export default lazy(spec, () => import("../commands/rollout-status.ts"));
