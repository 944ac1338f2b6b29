import { arg, defineCommand, flag, lazy, value } from "../_define.ts";

// Registered before "shell add"/"shell remove" in registry.ts: this definition is the group's own command. Its
// flags are read only before a subcommand's name, so `shell add --nixpkgs` stays the subcommand's (_program.ts).
export const spec = defineCommand({
  name: "shell",
  summary:
    "Enter the project's dev shell (cached: no Nix evaluation unless an input changed), or run one command in it",
  examples: [
    "paved shell                         # your $SHELL with the project's tools",
    "paved shell -- node --version       # run one command, exit with its code",
    "paved shell api -- go test ./...    # a sub-project's shell by name",
    "paved shell --nixpkgs /srv/nixpkgs  # air gap: a local nixpkgs checkout or mirror",
    "paved shell --stale-ok -- make      # use the last good environment if evaluation fails",
    "paved shell --dry-run -- make       # which shell, warm or not, and the nix command a miss would run",
  ],
  args: {
    name: arg.optional("devShell name (default: the sub-project's shell for this directory, else `default`)", {
      complete: "shell",
    }),
  },
  options: {
    nixpkgs: value(
      "--nixpkgs <path>",
      "local nixpkgs checkout or mirror for the nixpkgs input (overrides paved.yaml nixpkgs.path)",
      { complete: "dir" },
    ),
    dryRun: flag(
      "--dry-run",
      "say which shell, whether the cache is warm, and the nix command a miss would run; run nothing",
    ),
    staleOk: flag("--stale-ok", "if evaluation fails, use the last good environment (marked stale)"),
    refresh: flag("--refresh", "evaluate again even when the cache is warm"),
  },
  rest: "CMD ARGS…: the command to run in the shell (with --json its stdout goes to stderr)",
  foreground: true,
});
export default lazy(spec, () => import("../commands/shell.ts"));
