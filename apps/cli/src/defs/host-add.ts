import { Option } from "commander";
import { defineCommand } from "../_define.ts";

export default defineCommand({
  name: "host add",
  summary: "Add a NixOS host with a role (bastion, staging, internal) and render hosts/NAME.nix and the platform flake",
  examples: [
    "paved host add bastion-1 --role bastion --address 203.0.113.7",
    "paved host add wiki --role internal --system aarch64-linux --dry-run",
  ],
  configure: (command) =>
    command
      .argument("<name>", "host name (lower-case letters, digits and -)")
      .addOption(new Option("--role <role>", "the host's role").choices(["bastion", "staging", "internal"]).makeOptionMandatory())
      .option("--address <address>", "how paved reaches the host over SSH (default: its name)")
      .addOption(new Option("--system <system>", "the host's platform").choices(["x86_64-linux", "aarch64-linux"]))
      .option("--dry-run", "show the changes as a diff, write nothing")
      .option("--force", "overwrite generated files that were edited by hand"),
  load: () => import("../commands/host-add.ts"),
});
