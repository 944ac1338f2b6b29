import { defineCommand, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "status",
  summary: "Where the team stands on the five-step path, with evidence, and the drift a person must look at",
  examples: [
    "paved status                     run in the platform repository",
    "paved status --json | jq '.steps[] | {step, state}'",
    "paved status --dir ../platform   exit code 5 when drift or unreadable input needs a person",
  ],
});
export default lazy(spec, () => import("../commands/status.ts"));
