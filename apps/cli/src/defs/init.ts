import { choice, defineCommand, flag, lazy, list, negated, value } from "../_define.ts";

export const spec = defineCommand({
  name: "init",
  summary:
    "Detect the repository's toolchains and write paved.yaml, flake.nix and .envrc; --platform scaffolds a platform repo",
  examples: [
    "paved init --dry-run          show what would be written, as a diff",
    "paved init --yes              write it without asking",
    "paved init --nixpkgs ~/src/nixpkgs --yes   check every attribute against a local nixpkgs",
    "paved init --json | jq '.detected.shells[].choices[] | {toolchain, asked, attr, mapping}'",
    "paved init --platform --name acme --repo ../api --repo ../web   a team's platform repository",
  ],
  options: {
    yes: flag("-y, --yes", "do not ask before writing (for scripts and CI)"),
    dryRun: flag("--dry-run", "print the diff and write nothing"),
    force: flag("--force", "overwrite flake.nix/.envrc even if edited by hand"),
    pinnedReleaseOnly: flag(
      "--pinned-release-only",
      "keep every toolchain on the pinned NixOS release, even a version line only another release still has",
    ),
    nixpkgs: value(
      "--nixpkgs <path>",
      "local nixpkgs checkout or mirror to check attribute names and versions against (air gap)",
      { complete: "dir" },
    ),
    platform: flag(
      "--platform",
      "scaffold a platform repository: paved.yaml (team, hosts, rollout, repos), flake.nix, hosts/, CI",
    ),
    name: value("--name <name>", "with --platform: team or platform name (default: the directory name)"),
    repo: list("--repo <path...>", "with --platform: application repository for repos: (repeat or comma-separate)", {
      complete: "dir",
    }),
    ci: choice("--ci <provider>", ["github", "gitlab"], "with --platform: where the pipeline runs (default github)"),
    git: negated("--no-git", "with --platform: do not run git init when the directory is not a git repository"),
    release: value("--release <branch>", 'NixOS release to map to (written to paved.yaml), e.g. "nixos-25.11"'),
  },
});
export default lazy(spec, () => import("../commands/init.ts"));
