import { arg, defaulted, defineCommand, flag, lazy } from "../_define.ts";

export const spec = defineCommand({
  name: "shell remove",
  summary: "Remove packages from a dev shell and re-render flake.nix",
  examples: ["paved shell remove jq", "paved shell remove --shell api grpcurl"],
  args: { packages: arg.variadic("nixpkgs attribute names") },
  options: {
    shell: defaulted("--shell <name>", "the shell to edit", "default", { complete: "shell" }),
    dryRun: flag("--dry-run", "print the diff and write nothing"),
    force: flag("--force", "overwrite flake.nix/.envrc even if edited by hand"),
  },
});
export default lazy(spec, () => import("../commands/shell-remove.ts"));
