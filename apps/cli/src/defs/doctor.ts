import { defineCommand, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "doctor",
  summary: "Check that Nix, flakes, the store, git and direnv are ready, and say how to fix what is not",
  examples: ["paved doctor", "paved doctor --json | jq '.checks[] | select(.status != \"ok\")'"],
});
export default lazy(spec, () => import("../commands/doctor.ts"));
