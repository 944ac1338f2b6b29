import { defineCommand, flag, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "eject",
  summary: "Remove paved's headers from every generated file: they become ordinary files your team owns",
  examples: ["paved eject --dry-run      list the files, change nothing", "paved eject"],
  options: { dryRun: flag("--dry-run", "list the files that would be ejected, change nothing") },
});
export default lazy(spec, () => import("../commands/eject.ts"));
