import { Option } from "commander";
import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "runner add",
  summary: "Add a NixOS CI runner host (role ci-runner) to a platform repository and render hosts/NAME.nix",
  examples: [
    "paved runner add ci-1 --provider github --url https://github.com/acme --token-file /run/secrets/github-runner --count 4",
    "paved runner add ci-gl --provider gitlab --url https://gitlab.example.com --token-file /run/secrets/gitlab-runner.env --labels nixos,big",
  ],
  configure: (command) =>
    command
      .argument("<name>", "host name, e.g. ci-1")
      .addOption(new Option("--provider <provider>", "CI service the runners register with").choices(["github", "gitlab"]).makeOptionMandatory())
      .requiredOption("--url <url>", "GitHub organisation/repository URL, or the GitLab instance URL")
      .requiredOption("--token-file <path>", "path of the token file ON THE RUNNER HOST (never the token itself)")
      .option("--count <n>", "number of runners on the host (1-64)", "1")
      .option("--labels <list>", "comma-separated runner labels, e.g. nixos,big")
      .option("--dry-run", "print the diff, write nothing")
      .option("--force", "replace an existing host of that name"),
  load: () => import("../commands/runner-add.ts"),
});
