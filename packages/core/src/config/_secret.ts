import { PavedError } from "../errors.ts";

import { escapeInvisible, looksLikeSecret, maskSecret } from "../secrets/index.ts";

export { looksLikeSecret, maskSecret };

export interface SecretPathProblem {
  code: "E_SECRET_LITERAL" | "E_INPUT";
  expected: string;
  found: string;
}

/** Checks a value meant to be the path of a secret file; undefined when it is fine. Never echoes a secret. */
export function checkSecretPath(value: string): SecretPathProblem | undefined {
  const expected = "an absolute path to a secret file outside the Nix store";
  // A long value without a single "/" is not a path anyone writes; treat it as the secret itself.
  if (looksLikeSecret(value) || (!value.includes("/") && value.trim().length >= 20)) {
    return { code: "E_SECRET_LITERAL", expected, found: `what looks like a literal secret (${maskSecret(value)})` };
  }
  if (!value.startsWith("/")) {
    // Short, slash-free values are still masked: they could be a short secret.
    const shown = value.includes("/")
      ? escapeInvisible(JSON.stringify(value))
      : `${escapeInvisible(JSON.stringify(maskSecret(value)))} (not a path)`;
    return { code: "E_INPUT", expected, found: shown };
  }
  if (value === "/nix/store" || value.startsWith("/nix/store/")) {
    return {
      code: "E_INPUT",
      expected,
      found: `${escapeInvisible(JSON.stringify(value))} (files in the Nix store are world-readable)`,
    };
  }
  return undefined;
}

/** For command-line flags such as `--token-file`: throws E_SECRET_LITERAL / E_INPUT, naming the flag. */
export function assertSecretPath(value: string, label: string): string {
  const problem = checkSecretPath(value);
  if (!problem) return value;
  throw new PavedError(problem.code, `${label}: expected ${problem.expected}, got ${problem.found}`, {
    hint:
      problem.code === "E_SECRET_LITERAL"
        ? "Write the secret to a file readable only by its service (e.g. /run/secrets/runner-token, mode 0400) and pass that path; revoke the token if it was shared."
        : "Pass an absolute path such as /run/secrets/runner-token; the file must not be in the Nix store.",
    // `found` is already masked wherever the value could be a secret.
    details: { label, found: problem.found },
  });
}
