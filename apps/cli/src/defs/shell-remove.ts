import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "shell remove",
  summary: "Remove packages from a dev shell and re-render flake.nix",
  examples: ["paved shell remove jq", "paved shell remove --shell api grpcurl"],
  configure: (command) =>
    command
      .argument("<packages...>", "nixpkgs attribute names")
      .option("--shell <name>", "the shell to edit", "default")
      .option("--dry-run", "print the diff and write nothing")
      .option("--force", "overwrite flake.nix/.envrc even if edited by hand"),
  load: () => import("../commands/shell-remove.ts"),
});
