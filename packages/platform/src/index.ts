export { STEPS, STEP_TITLES, type StepDefinition } from "./_steps.ts";
export { isPlatform, renderApplicationFiles, renderPlatformFiles, repositoryFiles } from "./_platform-files.ts";
export { addPackages, initProject, removePackages } from "./_shell-change.ts";
export {
  ciInit,
  hostAdd,
  runnerAdd,
  teamAdd,
  teamRemove,
  type PlatformChangeResult,
} from "./_change.ts";
export { hostReadiness, readHardware, type HostReadiness } from "./_readiness.ts";
export { migrationStatus, type StatusOptions } from "./_status.ts";
export { formatStatus, stateMark } from "./_format.ts";
export {
  actionLine,
  actionTitle,
  migrationPlan,
  MIGRATION_FILE,
  renderMigrationMd,
  stateWord,
  type PlanOptions,
  type PlanResult,
} from "./_plan.ts";
export { renderReportHtml, shareableStatus, writeReport } from "./_report-html.ts";
export { progressSvg, stepCount, stepKey, stepFraction, COLORS } from "./_report-svg.ts";
export { escapeHtml, html, raw, SafeHtml } from "./_html.ts";
export { syncRepository, type SyncResult } from "./_sync.ts";
export { ejectRepository, ejectedBody, type EjectOutcome } from "./_eject.ts";
export { readEjected, EJECTED_FILE, type EjectedMark } from "./_ejected.ts";
export {
  initPlatform,
  platformConfigText,
  type PlatformFileOutcome,
  type PlatformInitOptions,
  type PlatformInitResult,
} from "./_init-platform.ts";
export { managedFiles, type ManagedFile } from "./_scan.ts";
export { loadWorkspace, type Workspace } from "./_workspace.ts";
export { evaluateHosts, evaluationKey, type Evaluation, type EvaluateOptions, type HostFacts } from "./_evaluate.ts";
export { hardwareDrift, moduleOn, proveSteps } from "./_proof.ts";
export {
  sources,
  type PlatformRunOptions,
  type StatusSources,
  type PlatformStepSource,
  type RepoStepSource,
} from "./_sources.ts";
export * from "./_types.ts";
