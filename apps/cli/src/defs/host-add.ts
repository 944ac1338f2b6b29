import { arg, choice, defineCommand, flag, lazy, value } from "../_define.ts";

export const spec = defineCommand({
  name: "host add",
  summary: "Add a NixOS host with a role (bastion, staging, internal) and render hosts/NAME.nix and the platform flake",
  examples: [
    "paved host add bastion-1 --role bastion --address 203.0.113.7",
    "paved host add wiki --role internal --system aarch64-linux --dry-run",
  ],
  args: { name: arg.required("host name (lower-case letters, digits and -)") },
  options: {
    role: choice("--role <role>", ["bastion", "staging", "internal"], "the host's role", { required: true }),
    address: value("--address <address>", "how paved reaches the host over SSH (default: its name)"),
    system: choice("--system <system>", ["x86_64-linux", "aarch64-linux"], "the host's platform"),
    dryRun: flag("--dry-run", "show the changes as a diff, write nothing"),
    force: flag("--force", "overwrite generated files that were edited by hand"),
  },
});
export default lazy(spec, () => import("../commands/host-add.ts"));
