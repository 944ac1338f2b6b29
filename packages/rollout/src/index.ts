export {
  applyRollout,
  resumeRollout,
  planHeader,
  type ApplyOptions,
  type RolloutResult,
  type RunOptions,
} from "./_apply.ts";
export { rollbackRollout, type RollbackOptions } from "./_rollback.ts";
export type { RolloutEvent, HostResult } from "./_host.ts";
export {
  Journal,
  readJournal,
  readJournalFile,
  parseJournal,
  listRollouts,
  type JournalRead,
  journalPath,
  JOURNAL_DIR,
  type JournalRecord,
  type RolloutCache,
  type HostOutcome,
  type RolloutHeader,
  type RolloutOutcome,
  type Generation,
} from "./_journal.ts";
export { foldJournal, FAILED, type HostState, type WaveState, type RolloutState } from "./_state.ts";
export {
  selectHosts,
  planWaves,
  parseWavesFlag,
  budgetHosts,
  type HostSelection,
  type PlannedWave,
} from "./_select.ts";
export {
  loadRolloutInputs,
  type HostEntry,
  type RolloutSettings,
  type HealthCheckConfig,
  type WaveConfig,
} from "./_config.ts";
export { sshArgv, type SshTarget } from "./_ssh.ts";
export { AGENT_SCRIPT, AGENT_VERSION } from "./_agent.ts";
export {
  rolloutStatus,
  readRollouts,
  rolloutState,
  summarize,
  probeRollout,
  type RolloutSummary,
  type HostCheck,
} from "./_status.ts";
export {
  planRollout,
  parseDiffClosures,
  formatBytes,
  type HostPlan,
  type ClosureDiff,
  type PackageChange,
  type PlanOptions,
} from "./_plan.ts";
export { buildImage, imageFormats, type ImageOptions, type ImageResult } from "./_image.ts";
export { copiedPaths, pushClosures, rolloutCache, type CopyMeasure } from "./_cache.ts";
