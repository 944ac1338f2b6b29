import { defineCommand, flag, lazy, negated } from "../_define.ts";

export const spec = defineCommand({
  name: "plan",
  summary: "The next actions on the five-step path, in order, each with its command; writes MIGRATION.md to commit",
  examples: [
    "paved plan",
    "paved plan --dry-run              show the MIGRATION.md diff, write nothing",
    "paved plan --no-write --json | jq '.actions[0]'",
  ],
  options: {
    write: negated("--no-write", "print the plan only; leave MIGRATION.md alone"),
    dryRun: flag("--dry-run", "print the MIGRATION.md diff and write nothing"),
    force: flag("--force", "overwrite MIGRATION.md even if it was edited by hand"),
  },
});
export default lazy(spec, () => import("../commands/plan.ts"));
