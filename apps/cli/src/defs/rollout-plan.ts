import { defineCommand } from "../_define.ts";
import { selectionFlags } from "./_rollout-flags.ts";

export default defineCommand({
  name: "rollout plan",
  summary: "Show, per host, the system it runs and what deploying the new one changes (nix store diff-closures)",
  examples: ["paved rollout plan", "paved rollout plan --role bastion --json"],
  configure: (command) =>
    selectionFlags(command).option("--override-input <name=flakeref>", "override a flake input, as nixos-rebuild does (repeatable)", (v: string, p: string[] = []) => [...p, v]),
  load: () => import("../commands/rollout-plan.ts"),
});
