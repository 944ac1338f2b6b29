import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "plan",
  summary: "The next actions on the five-step path, in order, each with its command; writes MIGRATION.md to commit",
  examples: ["paved plan", "paved plan --dry-run              show the MIGRATION.md diff, write nothing", "paved plan --no-write --json | jq '.actions[0]'"],
  configure: (command) =>
    command
      .option("--no-write", "print the plan only; leave MIGRATION.md alone")
      .option("--dry-run", "print the MIGRATION.md diff and write nothing")
      .option("--force", "overwrite MIGRATION.md even if it was edited by hand"),
  load: () => import("../commands/plan.ts"),
});
