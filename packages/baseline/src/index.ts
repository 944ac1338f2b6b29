export { MODULES_DIR, buildNixos, evalNixos, evalNixosExpression, type EvalNixosOptions } from "./_eval.ts";
export { renderSshdConfig, renderSshdSettings, type OpensshOptions, type SshdSettingValue } from "./_sshd_config.ts";
export { looksLikePrivateKey, parsePublicKey, type PublicKey } from "./_keys.ts";
export { renderTeamFile, rosterUsers, type RosterUser } from "./_team.ts";
export {
  hostModules,
  renderRoleHost,
  ROLE_HOST_ROLES,
  stateVersionFor,
  type HostModules,
  type RoleHostRole,
} from "./_hosts.ts";
export {
  hostAdd,
  platformFiles,
  teamAdd,
  teamRemove,
  type HostAddOptions,
  type PlatformChange,
  type TeamAddOptions,
  type TeamRemoveOptions,
  type WriteFlags,
} from "./_commands.ts";
export { baselineStatus, type BaselineStatusOptions } from "./_status.ts";
export { collectOptionDocs, renderOptionsReference, type OptionDoc } from "./_options_doc.ts";
