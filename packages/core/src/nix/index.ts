export {
  MIN_NIX_VERSION,
  NIX_FEATURE_FLAGS,
  compareVersions,
  ensureNixVersion,
  nixBinary,
  nixCommand,
  nixJson,
  nixVersion,
  rememberNixVersion,
  parseNixVersion,
  runNix,
} from "./_runner.ts";
export type { NixCommand, NixOptions, NixResult, NixVersion } from "./_runner.ts";
export { classifyNixFailure } from "./_errors.ts";
export {
  TESTED_NIX_VERSIONS,
  derivationInstallable,
  nixErrorLocation,
  nixErrorMessage,
  parseBuildResults,
  parsePathInfo,
} from "./_compat.ts";
export type { BuiltDerivation, NixErrorLocation, PathInfo } from "./_compat.ts";
