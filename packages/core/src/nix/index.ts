export {
  MIN_NIX_VERSION,
  NIX_FEATURE_FLAGS,
  compareVersions,
  ensureNixVersion,
  nixBinary,
  nixCommand,
  nixJson,
  nixVersion,
  parseNixVersion,
  runNix,
} from "./_runner.ts";
export type { NixCommand, NixOptions, NixResult, NixVersion } from "./_runner.ts";
export { classifyNixFailure, nixErrorLocation } from "./_errors.ts";
