import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "team remove",
  summary: "Take a user off the team roster; their account and keys go on each host's next deploy",
  examples: ["paved team remove bob", "paved team remove bob --dry-run"],
  configure: (command) =>
    command
      .argument("<user>", "login name")
      .option("--dry-run", "show the changes as a diff, write nothing")
      .option("--force", "overwrite generated files that were edited by hand"),
  load: () => import("../commands/team-remove.ts"),
});
