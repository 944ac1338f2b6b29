import { arg, defineCommand, lazy } from "../_define.ts";

// Here rather than beside the scripts: start-up reads every definition, and the scripts load with the command.
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type CompletionShell = (typeof SHELLS)[number];

export const spec = defineCommand({
  name: "completion",
  summary: "Print a tab-completion script for bash, zsh or fish (commands, flags, shell and host names)",
  examples: [
    "source <(paved completion bash)          # in ~/.bashrc",
    "source <(paved completion zsh)           # in ~/.zshrc, after compinit",
    "paved completion fish > ~/.config/fish/completions/paved.fish",
  ],
  args: { shell: arg.choice(SHELLS, "bash, zsh or fish") },
});
export default lazy(spec, () => import("../commands/completion.ts"));
