import { arg, defaulted, defineCommand, flag, lazy, value } from "../_define.ts";

export const spec = defineCommand({
  name: "shell add",
  summary: "Add nixpkgs packages to a dev shell (checked against the pinned nixpkgs) and re-render flake.nix",
  examples: [
    "paved shell add jq postgresql_17",
    "paved shell add --shell api grpcurl",
    "paved shell add jq --nixpkgs ~/src/nixpkgs",
  ],
  args: { packages: arg.variadic("nixpkgs attribute names") },
  options: {
    shell: defaulted("--shell <name>", "the shell to edit", "default", { complete: "shell" }),
    dryRun: flag("--dry-run", "print the diff and write nothing"),
    force: flag("--force", "overwrite flake.nix/.envrc even if edited by hand"),
    nixpkgs: value("--nixpkgs <path>", "local nixpkgs to check names against (air gap)", { complete: "dir" }),
  },
});
export default lazy(spec, () => import("../commands/shell-add.ts"));
