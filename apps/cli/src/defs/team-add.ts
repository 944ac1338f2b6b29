import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "team add",
  summary: "Add a user (or another key for a user) to the team roster and render team.nix",
  examples: [
    "paved team add alice --key ~/alice.pub --groups wheel,ops",
    "paved team add contractor --key ./keys/contractor.pub --jump-only --expires 2026-12-31",
  ],
  configure: (command) =>
    command
      .argument("<user>", "login name")
      .requiredOption("--key <file>", "the user's SSH public key file (.pub); private keys are refused")
      .option("--groups <groups>", "comma-separated groups from team.groups, or wheel for administrators")
      .option("--expires <date>", "last day of access, YYYY-MM-DD")
      .option("--jump-only", "may only jump through bastions (ssh -J), no shell anywhere")
      .option("--dry-run", "show the changes as a diff, write nothing")
      .option("--force", "overwrite generated files that were edited by hand"),
  load: () => import("../commands/team-add.ts"),
});
