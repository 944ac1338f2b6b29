import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "shell add",
  summary: "Add nixpkgs packages to a dev shell (checked against the pinned nixpkgs) and re-render flake.nix",
  examples: ["paved shell add jq postgresql_17", "paved shell add --shell api grpcurl", "paved shell add jq --nixpkgs ~/src/nixpkgs"],
  configure: (command) =>
    command
      .argument("<packages...>", "nixpkgs attribute names")
      .option("--shell <name>", "the shell to edit", "default")
      .option("--dry-run", "print the diff and write nothing")
      .option("--force", "overwrite flake.nix/.envrc even if edited by hand")
      .option("--nixpkgs <path>", "local nixpkgs to check names against (air gap)"),
  load: () => import("../commands/shell-add.ts"),
});
