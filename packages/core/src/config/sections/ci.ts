import { looksLikeSecret, maskSecret } from "../_secret.ts";
import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import { SHELL_NAME } from "./shells.ts";
import { ciCommandProblem } from "./_ci_inject.ts";
import { branchNameExpected, isBranchName, LABEL, labelExpected } from "./_grammars.ts";

const cache = s
  .object({
    kind: s
      .enum(["ci", "cachix", "none"])
      .default("ci")
      .describe(
        "ci: the CI provider's own cache (no account needed); cachix: a Cachix binary cache; none: no store cache.",
      ),
    name: s
      .string({ pattern: /^[a-z0-9][a-z0-9-]*$/, expected: "a Cachix cache name" })
      .optional()
      .describe("Cachix cache name (kind: cachix)."),
    tokenSecret: s
      .string({
        pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
        expected: "the NAME of a CI secret variable, like CACHIX_AUTH_TOKEN",
      })
      .optional()
      .describe("Name of the CI secret that holds the push token (the name, never the token). Forks never get it."),
  })
  .refineWith((value, report) => {
    if (value.kind === "cachix" && value.name === undefined)
      report(["name"], "a Cachix cache name when kind is cachix", "nothing (the key is missing)");
  });

/**
 * A pipeline command. It is committed in the CI file, so a pasted token in it is refused (use a CI secret), and
 * so is anything that would let a pull request's title or branch name run as code.
 */
const command = s.string({ minLength: 1, expected: "a command", multiline: true }).refineWith((value, report) => {
  const injection = ciCommandProblem(value);
  if (injection) {
    report(
      [],
      'a command that expands no text an outsider writes (GitHub: use the variables the runner sets, e.g. "$GITHUB_HEAD_REF"; GitLab: "$VAR" in double quotes, never through eval or sh -c; see docs/security.md)',
      injection,
    );
  }
  const secret = value.split(/[\s"'=:,;]+/).find((word) => looksLikeSecret(word));
  if (secret !== undefined) {
    report(
      [],
      "a command without literal secrets (reference a CI secret variable instead)",
      `a command containing what looks like a secret (${maskSecret(secret)})`,
      { code: "E_SECRET_LITERAL" },
    );
  }
});

export const ciSchema = s
  .object({
    provider: s.enum(["github", "gitlab"]).describe("Where the pipeline runs."),
    nixVersion: s
      .string({ pattern: /^[0-9]+\.[0-9]+(\.[0-9]+)?$/, expected: 'a Nix version like "2.28.3"' })
      .optional()
      .describe("Pinned Nix version installed by the pipeline (not used on self-hosted runners that have Nix)."),
    steps: s
      .record(s.array(command, { minItems: 1 }), {
        keyPattern: SHELL_NAME,
        keyExpected: "the name of a dev shell",
      })
      .default({})
      .describe("Commands per dev shell, run as `nix develop .#NAME -c …`; one job per shell."),
    cache: cache.default({}),
    selfHosted: s
      .object({
        labels: s.array(s.string({ pattern: LABEL, expected: labelExpected }), { minItems: 1, unique: true }),
        hasNix: s.boolean().default(true).describe("Skip installing Nix (true on NixOS runners made by paved)."),
      })
      .optional()
      .describe("Run on self-hosted runners with these labels (GitHub) or tags (GitLab)."),
    timeoutMinutes: s.int({ min: 1, max: 360 }).default(30).describe("Time limit of each job, in minutes."),
    branches: s
      .array(s.string({ minLength: 1, expected: branchNameExpected }).refine(isBranchName, branchNameExpected), {
        minItems: 1,
        unique: true,
      })
      .optional()
      .describe(
        "Branches whose pushes run the pipeline and may write the store cache (default [main]); pull requests only read it.",
      ),
  })
  .describe("The CI pipeline paved renders.");

export type CiConfig = Infer<typeof ciSchema>;
