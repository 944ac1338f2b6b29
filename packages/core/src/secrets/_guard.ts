import { PavedError } from "../errors.ts";
import { findSecret, type ScanOptions, type SecretFinding } from "./_scan.ts";

/** 1-based line and column of an offset. */
export function lineCol(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return { line, col: index - before.lastIndexOf("\n") };
}

const HINT =
  "Secrets never go into paved.yaml, generated files, command lines or the Nix store (it is world-readable): put the secret in a file outside the store (e.g. /run/secrets/…, mode 0400) or a CI secret variable, and pass its path or name. Revoke the credential if it was shared.";

export function secretError(where: string, finding: SecretFinding, details: Record<string, unknown> = {}): PavedError {
  return new PavedError(
    "E_SECRET_LITERAL",
    `${where}: refused ${finding.label} (${finding.masked}); nothing was written`,
    {
      hint: HINT,
      details: { where, kind: finding.kind, found: finding.masked, ...details },
    },
  );
}

/** For a command-line value: throws E_SECRET_LITERAL naming the flag (`--url`, `NAME`). Returns the value. */
export function assertNoSecret(value: string, flag: string, options: ScanOptions = {}): string {
  const finding = findSecret(value, options);
  if (finding) throw secretError(flag, finding, { label: flag });
  return value;
}

/**
 * For text about to be written (a generated file, paved.yaml) or passed to a program: throws E_SECRET_LITERAL
 * naming `file:line:col`. Known formats and URL credentials only: generated files legitimately hold hashes.
 */
export function assertNoSecretInText(text: string, file: string): void {
  const finding = findSecret(text);
  if (!finding) return;
  const { line, col } = lineCol(text, finding.index);
  throw secretError(`${file}:${line}:${col}`, finding, { file, line, col });
}
