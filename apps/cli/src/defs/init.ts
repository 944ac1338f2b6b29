import { defineCommand } from "../_define.ts";

// Placeholder until the devshell branch lands its `paved init` (application repositories); the merge keeps that
// file and adds the --platform flags and the dispatch from commands/init.ts.
export default defineCommand({
  name: "init",
  summary: "Set up a repository for paved: --platform scaffolds a team's platform repository",
  examples: [
    "paved init --platform --name acme --repo ../api --repo ../web",
    "paved init --platform --dry-run     show what would be written, as a diff",
  ],
  configure: (command) =>
    command
      .option("--platform", "scaffold a platform repository: paved.yaml (team, hosts, rollout, repos), flake.nix, hosts/, CI")
      .option("--name <name>", "team or platform name (with --platform; default: the directory name)")
      .option("--repo <path...>", "application repository for repos: (with --platform; repeat or comma-separate)")
      .option("--ci <provider>", "github or gitlab (with --platform; default github)")
      .option("--no-git", "do not run git init when the directory is not a git repository")
      .option("--release <branch>", 'NixOS release for a new paved.yaml, e.g. "nixos-26.05"')
      .option("--dry-run", "print the diff and write nothing")
      .option("--force", "overwrite generated files even if edited by hand"),
  load: () => import("../commands/init.ts"),
});
