import type { GeneratedFile } from "@paved/core";
import { GITHUB_WORKFLOW_PATH, renderGithubWorkflow } from "./_github.ts";
import { GITLAB_CI_PATH, renderGitlabCi } from "./_gitlab.ts";
import { planCi } from "./_plan.ts";
import type { CiProvider, Step1Config } from "./_types.ts";

export function ciFilePath(provider: CiProvider): string {
  return provider === "github" ? GITHUB_WORKFLOW_PATH : GITLAB_CI_PATH;
}

/**
 * The CI files paved.yaml asks for (none without a `ci` section). `paved sync` and `paved ci init` both write
 * them through core's writeFiles, which adds the managed-file header and keeps hand-edited files.
 */
export function renderCiFiles(_root: string, config: Step1Config): GeneratedFile[] {
  const ci = config.ci;
  if (!ci) return [];
  const plan = planCi(config, ci);
  const content = ci.provider === "github" ? renderGithubWorkflow(plan) : renderGitlabCi(plan);
  return [{ path: ciFilePath(ci.provider), content, source: "paved.yaml" }];
}
