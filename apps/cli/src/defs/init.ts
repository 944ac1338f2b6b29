import { Option } from "commander";
import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "init",
  summary: "Detect the repository's toolchains and write paved.yaml, flake.nix and .envrc; --platform scaffolds a platform repo",
  examples: [
    "paved init --dry-run          show what would be written, as a diff",
    "paved init --yes              write it without asking",
    "paved init --nixpkgs ~/src/nixpkgs --yes   check every attribute against a local nixpkgs",
    "paved init --json | jq '.detected.shells[].choices[] | {toolchain, asked, attr, mapping}'",
    "paved init --platform --name acme --repo ../api --repo ../web   a team's platform repository",
  ],
  configure: (command) =>
    command
      .option("-y, --yes", "do not ask before writing (for scripts and CI)")
      .option("--dry-run", "print the diff and write nothing")
      .option("--force", "overwrite flake.nix/.envrc even if edited by hand")
      .option("--pinned-release-only", "keep every toolchain on the pinned NixOS release, even a version line only another release still has")
      .option("--nixpkgs <path>", "local nixpkgs checkout or mirror to check attribute names and versions against (air gap)")
      .option("--platform", "scaffold a platform repository: paved.yaml (team, hosts, rollout, repos), flake.nix, hosts/, CI")
      .option("--name <name>", "with --platform: team or platform name (default: the directory name)")
      .option("--repo <path...>", "with --platform: application repository for repos: (repeat or comma-separate)")
      .option("--ci <provider>", "with --platform: github or gitlab (default github)")
      .option("--no-git", "with --platform: do not run git init when the directory is not a git repository")
      .addOption(new Option("--release <branch>", 'NixOS release to map to (written to paved.yaml), e.g. "nixos-25.11"')),
  load: () => import("../commands/init.ts"),
});
