export { applyRollout, resumeRollout, planHeader, type ApplyOptions, type RolloutResult, type RunOptions } from "./_apply.ts";
export { rollbackRollout, type RollbackOptions } from "./_rollback.ts";
export type { RolloutEvent, HostResult } from "./_host.ts";
export { readJournal, listRollouts, journalPath, JOURNAL_DIR, type JournalRecord, type HostOutcome, type RolloutHeader, type RolloutOutcome, type Generation } from "./_journal.ts";
export { foldJournal, FAILED, type HostState, type WaveState, type RolloutState } from "./_state.ts";
export { selectHosts, planWaves, parseWavesFlag, budgetHosts, type HostSelection, type PlannedWave } from "./_select.ts";
export { loadRolloutInputs, DEFAULT_ROLLOUT, type HostEntry, type RolloutSettings, type HealthCheckConfig, type WaveConfig } from "./_config.ts";
export { shellQuote, quoteCommand, sshArgv, type SshTarget } from "./_ssh.ts";
export { AGENT_SCRIPT, AGENT_VERSION } from "./_agent.ts";
