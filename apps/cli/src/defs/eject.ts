import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "eject",
  summary: "Remove paved's headers from every generated file: they become ordinary files your team owns",
  examples: ["paved eject --dry-run      list the files, change nothing", "paved eject"],
  configure: (command) => command.option("--dry-run", "list the files that would be ejected, change nothing"),
  load: () => import("../commands/eject.ts"),
});
