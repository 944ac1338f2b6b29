import { defineCommand } from "../_define.ts";

// Registered before "shell add"/"shell remove" in registry.ts: this definition is the group's own command.
export default defineCommand({
  name: "shell",
  summary: "Enter the project's dev shell (cached: no Nix evaluation unless an input changed), or run one command in it",
  examples: [
    "paved shell                         # your $SHELL with the project's tools",
    "paved shell -- node --version       # run one command, exit with its code",
    "paved shell api -- go test ./...    # a sub-project's shell by name",
    "paved shell --nixpkgs /srv/nixpkgs  # air gap: a local nixpkgs checkout or mirror",
    "paved shell --stale-ok -- make      # use the last good environment if evaluation fails",
  ],
  configure: (command) =>
    command
      .argument("[name]", "devShell name (default: the sub-project's shell for this directory, else `default`)")
      .argument("[args...]", "after --: the command to run and its arguments")
      .option("--stale-ok", "if evaluation fails, use the last good environment (marked stale)")
      .option("--refresh", "evaluate again even when the cache is warm")
      // Read by commands/shell.ts from argv (see _shell-args.ts): declared here, `shell add --nixpkgs` would break.
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText(
        "after",
        [
          "",
          "Also:",
          "  --nixpkgs <path>  local nixpkgs checkout or mirror for the nixpkgs input (overrides paved.yaml nixpkgs.path)",
          "  --dry-run         say which shell, whether the cache is warm, and the nix command a miss would run; run nothing",
        ].join("\n"),
      ),
  load: () => import("../commands/shell.ts"),
});
