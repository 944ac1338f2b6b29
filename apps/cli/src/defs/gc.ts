import { defineCommand, flag, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "gc",
  summary: "Remove cached dev-shell environments (and their GC roots) of checkouts that no longer exist",
  examples: ["paved gc --dry-run", "paved gc && nix-collect-garbage"],
  options: { dryRun: flag("--dry-run", "list what would be removed, remove nothing") },
});
export default lazy(spec, () => import("../commands/gc.ts"));
