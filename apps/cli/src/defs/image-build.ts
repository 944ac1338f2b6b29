import { arg, defineCommand, flag, lazy, value } from "../_define.ts";
import { overrideInput } from "./_rollout-flags.ts";

export const spec = defineCommand({
  name: "image build",
  summary: "Build an image of a host with NixOS's image builders (system.build.images) and print path, size, sha256",
  examples: ["paved image build web-1 --format qemu", "paved image build bastion --format iso --json"],
  args: { host: arg.required("host name in paved.yaml", { complete: "host" }) },
  options: {
    format: value("--format <variant>", "image variant, see `paved image formats`"),
    overrideInput,
    dryRun: flag("--dry-run", "print the nix command and build nothing"),
  },
});
export default lazy(spec, () => import("../commands/image-build.ts"));
