import { defineCommand, lazy } from "../_define.ts";

/** What the completion scripts call on every Tab press; not for people, so hidden from --help. */
export const spec = defineCommand({
  name: "__complete",
  summary: "Print the completions of a partial command line (used by the scripts of `paved completion`)",
  hidden: true,
  rest: "WORDS…: the words after `paved`, the last one being completed",
});
export default lazy(spec, () => import("../commands/complete.ts"));
