import { defineCommand } from "../_define.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export default defineCommand({
  name: "image build",
  summary: "Build an image of a host with NixOS's image builders (system.build.images) and print path, size, sha256",
  examples: ["paved image build web-1 --format qemu", "paved image build bastion --format iso --json"],
  configure: (command) =>
    command
      .argument("<host>", "host name in paved.yaml")
      .option("--format <variant>", "image variant, see `paved image formats`")
      .option("--override-input <name=flakeref>", "override a flake input, as nixos-rebuild does (repeatable)", collect)
      .option("--dry-run", "print the nix command and build nothing"),
  load: () => import("../commands/image-build.ts"),
});
