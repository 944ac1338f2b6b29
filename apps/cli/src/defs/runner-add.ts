import { arg, choice, defaulted, defineCommand, flag, lazy, required, value } from "../_define.ts";

export const spec = defineCommand({
  name: "runner add",
  summary: "Add a NixOS CI runner host (role ci-runner) to a platform repository and render hosts/NAME.nix",
  examples: [
    "paved runner add ci-1 --provider github --url https://github.com/acme --token-file /run/secrets/github-runner --count 4",
    "paved runner add ci-gl --provider gitlab --url https://gitlab.example.com --token-file /run/secrets/gitlab-runner.env --labels nixos,big",
  ],
  args: { name: arg.required("host name, e.g. ci-1") },
  options: {
    provider: choice("--provider <provider>", ["github", "gitlab"], "CI service the runners register with", {
      required: true,
    }),
    url: required("--url <url>", "GitHub organisation/repository URL, or the GitLab instance URL"),
    tokenFile: required("--token-file <path>", "path of the token file ON THE RUNNER HOST (never the token itself)"),
    count: defaulted("--count <n>", "number of runners on the host (1-64)", "1"),
    labels: value("--labels <list>", "comma-separated runner labels, e.g. nixos,big"),
    dryRun: flag("--dry-run", "print the diff, write nothing"),
    force: flag("--force", "replace an existing host of that name"),
  },
});
export default lazy(spec, () => import("../commands/runner-add.ts"));
