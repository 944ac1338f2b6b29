import { Option } from "commander";
import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "ci init",
  summary: "Write a CI pipeline that runs nix flake check and each dev shell's commands inside `nix develop`",
  examples: [
    "paved ci init --provider github",
    "paved ci init --provider gitlab --dry-run",
    "paved ci init --provider github --nix-version 2.35.2 --force",
  ],
  configure: (command) =>
    command
      .addOption(new Option("--provider <provider>", "where the pipeline runs").choices(["github", "gitlab"]).makeOptionMandatory())
      .option("--nix-version <version>", "Nix version the pipeline installs (recorded in paved.yaml ci.nixVersion)")
      .option("--dry-run", "print the diff of paved.yaml and the pipeline file, write nothing")
      .option("--force", "overwrite a hand-edited pipeline file, or switch an existing ci section to another provider"),
  load: () => import("../commands/ci-init.ts"),
});
