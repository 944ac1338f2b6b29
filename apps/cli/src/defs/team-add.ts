import { arg, defineCommand, flag, lazy, required, value } from "../_define.ts";

export const spec = defineCommand({
  name: "team add",
  summary: "Add a user (or another key for a user) to the team roster and render team.nix",
  examples: [
    "paved team add alice --key ~/alice.pub --groups wheel,ops",
    "paved team add contractor --key ./keys/contractor.pub --jump-only --expires 2026-12-31",
  ],
  args: { user: arg.required("login name") },
  options: {
    key: required("--key <file>", "the user's SSH public key file (.pub); private keys are refused", {
      complete: "file",
    }),
    groups: value("--groups <groups>", "comma-separated groups from team.groups, or wheel for administrators"),
    expires: value("--expires <date>", "last day of access, YYYY-MM-DD"),
    jumpOnly: flag("--jump-only", "may only jump through bastions (ssh -J), no shell anywhere"),
    dryRun: flag("--dry-run", "show the changes as a diff, write nothing"),
    force: flag("--force", "overwrite generated files that were edited by hand"),
  },
});
export default lazy(spec, () => import("../commands/team-add.ts"));
