import { defineCommand, flag, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "sync",
  summary: "Re-render every generated file of this repository from paved.yaml (hand-edited files are kept)",
  examples: [
    "paved sync",
    "paved sync --dry-run      show the diff, write nothing",
    "paved sync --force        also overwrite generated files edited by hand",
  ],
  options: {
    dryRun: flag("--dry-run", "print the diff and write nothing"),
    force: flag("--force", "overwrite generated files even if edited by hand"),
  },
});
export default lazy(spec, () => import("../commands/sync.ts"));
