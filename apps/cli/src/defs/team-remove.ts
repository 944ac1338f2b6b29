import { arg, defineCommand, flag, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "team remove",
  summary: "Take a user off the team roster; their account and keys go on each host's next deploy",
  examples: ["paved team remove bob", "paved team remove bob --dry-run"],
  args: { user: arg.required("login name") },
  options: {
    dryRun: flag("--dry-run", "show the changes as a diff, write nothing"),
    force: flag("--force", "overwrite generated files that were edited by hand"),
  },
});
export default lazy(spec, () => import("../commands/team-remove.ts"));
