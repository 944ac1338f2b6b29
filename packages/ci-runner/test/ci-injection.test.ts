// Script injection in ci.steps (issue 15): what an outsider writes never becomes code in a rendered pipeline.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ciCommandProblem, isPavedError, parseConfig, type ConfigProblem } from "@paved/core";
import { renderCiFiles, type Step1Config } from "@paved/ci-runner";
import { actionlintErrors, githubParserErrors, gitlabSchemaErrors } from "./_validators.ts";

const shells: Step1Config["shells"] = { default: { toolchains: { node: { version: "22" } } } };

function problems(command: string, provider = "github"): ConfigProblem[] {
  const text = `version: 1\nshells:\n  default: {}\nci:\n  provider: ${provider}\n  steps:\n    default:\n      - ${JSON.stringify(command)}\n`;
  try {
    parseConfig(text);
    return [];
  } catch (error) {
    if (isPavedError(error)) return error.details.problems as ConfigProblem[];
    throw error;
  }
}

const UNTRUSTED_GITHUB = [
  "echo ${{ github.event.pull_request.title }}",
  'echo "${{ github.event.pull_request.body }}"',
  "git checkout ${{ github.head_ref }}",
  "echo ${{ github.event.pull_request.head.ref }}",
  "echo ${{ github.event.issue.title }}",
  "echo ${{ github.event.comment.body }}",
  "echo ${{ github.event.head_commit.message }}",
  "echo ${{ github.event.head_commit.author.email }}",
  "echo ${{ github.event.commits[0].message }}",
  "echo ${{ github.event.review.body }}",
  "echo ${{ github.event.workflow_run.head_branch }}",
  "echo ${{ toJSON(github.event) }}",
  "echo ${{ github['event']['pull_request']['title'] }}",
  "echo ${{ format('{0}', github.event.pull_request.title) }}",
  "echo ${{ github.event.pull_request.title",
];

const UNTRUSTED_GITLAB = [
  "echo $CI_COMMIT_MESSAGE",
  "echo ${CI_MERGE_REQUEST_TITLE}",
  'eval "$CI_COMMIT_TITLE"',
  'sh -c "echo $CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"',
  "git checkout $CI_COMMIT_REF_NAME",
];

describe("ci.steps: outsider-controlled text is refused at its line:col", () => {
  it.each([...UNTRUSTED_GITHUB, ...UNTRUSTED_GITLAB])("%s", (command) => {
    const [problem, ...rest] = problems(command);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: "E_CONFIG_INVALID", line: 8, col: 9, path: "ci.steps.default[0]" });
    expect(problem!.expected).toContain("expands no text an outsider writes");
  });

  it.each([
    "echo ${{ github.sha }}",
    "echo ${{ github.event.pull_request.number }}",
    "npm publish --tag ${{ github.ref_name }}",
    'echo "$CI_COMMIT_MESSAGE"',
    "echo '$CI_COMMIT_MESSAGE'",
    'git checkout "${CI_COMMIT_REF_NAME}"',
    'echo "$GITHUB_HEAD_REF"',
    "echo $CI_COMMIT_SHA",
  ])("%s is fine", (command) => {
    expect(problems(command)).toEqual([]);
    expect(ciCommandProblem(command)).toBeUndefined();
  });

  it("a trusted expression inside single quotes is refused: moved to env: it would no longer expand", () => {
    expect(problems("echo '${{ github.sha }}'")[0]!.found).toContain("inside single quotes");
  });
});

describe("trusted expressions reach the script through env:, and the workflow stays clean", () => {
  const config: Step1Config = {
    shells,
    ci: {
      provider: "github",
      steps: {
        default: [
          'echo ${{ github.sha }} && test -n "${{ github.event.pull_request.number }}"',
          "npm test",
          "printf '%s\\n' \"${{ runner.os }}\" ${{ github.ref_name }}",
        ],
      },
    },
  };
  const content = renderCiFiles("/repo", config)[0]!.content;

  it("no ${{ is left in any run: script; each step's env: holds the expressions", () => {
    const workflow = parse(content) as {
      jobs: Record<string, { steps: { name?: string; run?: string; env?: Record<string, string> }[] }>;
    };
    const steps = workflow.jobs["shell-default"]!.steps;
    for (const step of steps) {
      expect(step.run ?? "", step.name).not.toContain("${{");
      expect(step.name ?? "", step.name).not.toContain("${{");
    }
    const first = steps.find((s) => s.env?.PAVED_EXPR_1 === "${{ github.sha }}")!;
    expect(first.env).toEqual({
      PAVED_EXPR_1: "${{ github.sha }}",
      PAVED_EXPR_2: "${{ github.event.pull_request.number }}",
    });
    expect(first.run).toBe(
      `nix develop .#default -c bash -euo pipefail -c 'echo \${PAVED_EXPR_1} && test -n "\${PAVED_EXPR_2}"'`,
    );
    expect(steps.find((s) => s.env?.PAVED_EXPR_1 === "${{ runner.os }}")!.env!.PAVED_EXPR_2).toBe(
      "${{ github.ref_name }}",
    );
  });

  it("GitHub's parser and actionlint find nothing (actionlint flags untrusted input in run:, so this is the check)", async () => {
    expect(await githubParserErrors(content)).toEqual([]);
    expect(await actionlintErrors(content)).toEqual([]);
  });

  it("actionlint does flag the unsafe form paved no longer writes (so the check above can fail)", async () => {
    const unsafe = content.replaceAll("echo ${PAVED_EXPR_1}", "echo ${{ github.event.pull_request.title }}");
    expect(unsafe).not.toBe(content);
    expect((await actionlintErrors(unsafe)).join("\n")).toMatch(/expression-injection|potentially untrusted/);
  });

  it("GitLab pipelines with quoted variables pass GitLab's schema", () => {
    const gitlab = renderCiFiles("/repo", {
      shells,
      ci: { provider: "gitlab", steps: { default: ['echo "$CI_COMMIT_TITLE"', "npm test"] } },
    })[0]!.content;
    expect(gitlabSchemaErrors(gitlab)).toEqual([]);
  });
});
