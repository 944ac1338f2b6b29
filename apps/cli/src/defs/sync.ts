import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "sync",
  summary: "Re-render every generated file of this repository from paved.yaml (hand-edited files are kept)",
  examples: ["paved sync", "paved sync --dry-run      show the diff, write nothing", "paved sync --force        also overwrite generated files edited by hand"],
  configure: (command) => command.option("--dry-run", "print the diff and write nothing").option("--force", "overwrite generated files even if edited by hand"),
  load: () => import("../commands/sync.ts"),
});
