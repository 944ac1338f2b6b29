import { PavedError } from "../errors.ts";

// Prefixes of credentials that end up in CI and runner set-ups: GitHub (classic, OAuth, app, fine-grained),
// GitLab (runner auth, personal access, runner registration), Slack, AWS access keys, and PEM blocks.
const TOKEN_PREFIXES = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glrt-", "glpat-", "GR1348941", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "xapp-", "AKIA"];

/**
 * A Nix binary-cache signing key as `nix key generate-secret` prints it: "NAME:" and 64 bytes of base64
 * (an ed25519 secret key). Its public half is 32 bytes, so the two never look alike.
 */
const NIX_SECRET_KEY = /^[A-Za-z0-9._-]+:[A-Za-z0-9+/]{86}==$/;

export function looksLikeNixSecretKey(value: string): boolean {
  return NIX_SECRET_KEY.test(value.trim());
}

/** A prefix of the value that is safe to print: the token kind, never its body. */
export function maskSecret(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith("-----BEGIN")) return "-----BEGIN …";
  // The key's name is public (it is part of the public key too); the rest is not.
  if (looksLikeNixSecretKey(trimmed)) return `${trimmed.slice(0, trimmed.indexOf(":") + 1)}…`;
  const prefix = TOKEN_PREFIXES.find((p) => trimmed.startsWith(p));
  if (prefix) return `${prefix}…`;
  return `${trimmed.slice(0, 2)}…`;
}

function entropyBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Whether a string looks like a credential rather than a path or a word. Known token prefixes and PEM blocks
 * always count; otherwise a long run of token characters with high entropy and both letters and digits
 * (paths contain "/", so a path never matches this branch).
 */
export function looksLikeSecret(value: string): boolean {
  const v = value.trim();
  if (v.includes("-----BEGIN")) return true;
  if (looksLikeNixSecretKey(v)) return true;
  if (TOKEN_PREFIXES.some((p) => v.startsWith(p) && v.length >= p.length + 8)) return true;
  if (v.length < 32 || !/^[A-Za-z0-9_\-+=.]+$/.test(v)) return false;
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  // 4.2 bits per character: above any hex string (at most 4), so commit and store hashes are not flagged.
  return entropyBitsPerChar(v) >= 4.2;
}

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
    const shown = value.includes("/") ? JSON.stringify(value) : `${JSON.stringify(maskSecret(value))} (not a path)`;
    return { code: "E_INPUT", expected, found: shown };
  }
  if (value === "/nix/store" || value.startsWith("/nix/store/")) {
    return { code: "E_INPUT", expected, found: `${JSON.stringify(value)} (files in the Nix store are world-readable)` };
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
