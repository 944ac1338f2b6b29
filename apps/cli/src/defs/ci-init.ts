import { choice, defineCommand, flag, lazy, value } from "../_define.ts";

export const spec = defineCommand({
  name: "ci init",
  summary: "Write a CI pipeline that runs nix flake check and each dev shell's commands inside `nix develop`",
  examples: [
    "paved ci init --provider github",
    "paved ci init --provider gitlab --dry-run",
    "paved ci init --provider github --nix-version 2.35.2 --force",
  ],
  options: {
    provider: choice("--provider <provider>", ["github", "gitlab"], "where the pipeline runs", { required: true }),
    nixVersion: value(
      "--nix-version <version>",
      "Nix version the pipeline installs (recorded in paved.yaml ci.nixVersion)",
    ),
    dryRun: flag("--dry-run", "print the diff of paved.yaml and the pipeline file, write nothing"),
    force: flag(
      "--force",
      "overwrite a hand-edited pipeline file, or switch an existing ci section to another provider",
    ),
  },
});
export default lazy(spec, () => import("../commands/ci-init.ts"));
