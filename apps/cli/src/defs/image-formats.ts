import { arg, defineCommand, lazy } from "../_define.ts";
import { overrideInput } from "./_rollout-flags.ts";

export const spec = defineCommand({
  name: "image formats",
  summary: "List the image variants the pinned NixOS release offers (attribute names of system.build.images)",
  examples: ["paved image formats", "paved image formats web-1 --json"],
  args: { host: arg.optional("host name in paved.yaml (default: the first)", { complete: "host" }) },
  options: { overrideInput },
});
export default lazy(spec, () => import("../commands/image-formats.ts"));
