import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "gc",
  summary: "Remove cached dev-shell environments (and their GC roots) of checkouts that no longer exist",
  examples: ["paved gc --dry-run", "paved gc && nix-collect-garbage"],
  configure: (command) => command.option("--dry-run", "list what would be removed, remove nothing"),
  load: () => import("../commands/gc.ts"),
});
