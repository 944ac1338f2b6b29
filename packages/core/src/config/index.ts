// paved.yaml: schema language, the paved.yaml schema, loading, editing and JSON Schema. Re-exports only.
export { describeFound, type Issue, type PathSegment, type Report } from "./_messages.ts";
export {
  DefaultSchema,
  notSecret,
  OptionalSchema,
  Schema,
  type DefaultInput,
  type Infer,
  type JsonSchema,
  type NumberOptions,
  type StringOptions,
} from "./_schema.ts";
export {
  ArraySchema,
  DiscriminatedSchema,
  ObjectSchema,
  RecordSchema,
  s,
  UnionSchema,
  type ArrayOptions,
  type InferShape,
  type InferVariants,
  type RecordOptions,
  type Shape,
} from "./_schema_compound.ts";
export { validate } from "./_validate.ts";
export { assertSecretPath, checkSecretPath, type SecretPathProblem } from "./_secret.ts";
export { didYouMean, editDistance } from "./_suggest.ts";
export { pavedConfigSchema, type PavedConfig } from "./_paved.ts";
export {
  CONFIG_FILE,
  configPath,
  displayName,
  formatPath,
  loadConfig,
  parseConfig,
  parseYaml,
  readConfig,
  validateConfig,
  validateDocument,
  type ConfigProblem,
  type LoadedConfig,
  type ParsedConfig,
  type ReadConfig,
} from "./_load.ts";
export {
  addToConfigList,
  defaultConfig,
  deleteConfigValue,
  editConfig,
  removeFromConfigList,
  renderConfig,
  setConfigValue,
  type EditOptions,
  type EditResult,
  type RenderOptions,
} from "./_edit.ts";
export { JSON_SCHEMA_DIALECT, PAVED_SCHEMA_FILE, renderPavedJsonSchema, toJsonSchema } from "./_jsonschema.ts";
export { ROLES, LINUX_SYSTEMS, durationSeconds, isCidr, type Role } from "./sections/_common.ts";
export { CONFIG_VERSION } from "./sections/version.ts";
export { CURRENT_STABLE_RELEASE, nixpkgsBranch, nixpkgsFlakeRef, type NixpkgsConfig } from "./sections/nixpkgs.ts";
export { DEFAULT_PAVED_FLAKE, type PlatformConfig } from "./sections/platform.ts";
export { DEFAULT_SYSTEMS, SYSTEMS, type NixSystem } from "./sections/systems.ts";
export { TOOLCHAINS, type ShellConfig, type Toolchain, type ToolchainPin } from "./sections/shells.ts";
export { isToolchainVersion, toolchainVersionExpected } from "./sections/_versions.ts";
export type { CiConfig } from "./sections/ci.ts";
export {
  cachePushTarget,
  cacheSubstituters,
  cacheUrl,
  NIX_PUBLIC_KEY,
  type CacheConfig,
  type Substituter,
} from "./sections/cache.ts";
export type { DetectConfig } from "./sections/detect.ts";
export { publicKeyProblem, SSH_KEY_TYPES, type TeamConfig, type TeamUser } from "./sections/team.ts";
export type { HostConfig, RunnerConfig } from "./sections/hosts.ts";
export type { RoleDefaults } from "./sections/roles.ts";
export type { HealthCheck, RolloutConfig, Wave } from "./sections/rollout.ts";
export {
  ciCommandProblem,
  githubExpressions,
  quoteStateAt,
  untrustedGithubContext,
  unsafeGitlabVariable,
  type Expression,
} from "./sections/_ci_inject.ts";
