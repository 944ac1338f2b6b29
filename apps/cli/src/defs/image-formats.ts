import { defineCommand } from "../_define.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export default defineCommand({
  name: "image formats",
  summary: "List the image variants the pinned NixOS release offers (attribute names of system.build.images)",
  examples: ["paved image formats", "paved image formats web-1 --json"],
  configure: (command) =>
    command
      .argument("[host]", "host name in paved.yaml (default: the first)")
      .option("--override-input <name=flakeref>", "override a flake input, as nixos-rebuild does (repeatable)", collect),
  load: () => import("../commands/image-formats.ts"),
});
