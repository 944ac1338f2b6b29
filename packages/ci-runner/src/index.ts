export { ACTIONS, DEFAULT_NIX_VERSION, nixImage, nixInstallUrl, type ActionPin } from "./_pins.ts";
export { defaultSteps, inDevShell, planCi, type CiPlan, type ShellJob } from "./_plan.ts";
export { GITHUB_WORKFLOW_PATH, githubWorkflow, renderGithubWorkflow } from "./_github.ts";
export { GITLAB_CI_PATH, gitlabPipeline, renderGitlabCi } from "./_gitlab.ts";
export { ciFilePath, renderCiFiles } from "./_render.ts";
export type {
  CiCacheSettings,
  CiProvider,
  CiSettings,
  HostSettings,
  RunnerSettings,
  ShellSettings,
  Step1Config,
} from "./_types.ts";
export { ciInit, type CiInitOptions, type CiInitResult } from "./_init.ts";
export {
  ciStatus,
  repoCiStatus,
  type CiStatusOptions,
  type RepoCi,
  type RepoCiStatus,
  type RunnerStatus,
} from "./_status.ts";
export {
  checkRunnerSecrets,
  renderHardwareStarter,
  renderRunnerHost,
  runnerHardwareFile,
  runnerHostFiles,
  RUNNER_HOST_MODULES,
  toolchainPackages,
} from "./_runner-host.ts";
export { runnerAdd, runnerHostPath, type RunnerAddOptions, type RunnerAddResult } from "./_runner-add.ts";
