/**
 * The one error class of paved. Libraries throw it; only the CLI prints it and picks an exit code.
 * `code` is stable (scripts match on it); `message` says what went wrong; `hint` says what to do.
 */
export type ErrorCode =
  // usage and input
  | "E_USAGE"
  | "E_CONFIG_MISSING"
  | "E_CONFIG_PARSE"
  | "E_CONFIG_INVALID"
  | "E_NOT_GIT_REPO"
  | "E_INPUT"
  | "E_SECRET_LITERAL"
  // files
  | "E_FILE_EDITED"
  | "E_FILE_WRITE"
  | "E_FILE_READ"
  // nix
  | "E_NIX_MISSING"
  | "E_NIX_TOO_OLD"
  | "E_NIX_UNTRACKED"
  | "E_NIX_EVAL"
  | "E_NIX_BUILD"
  | "E_NIX_INPUT"
  | "E_NIX_FAILED"
  | "E_NIX_CANCELLED"
  // everything else a step package needs; keep codes upper-case and stable once released
  | (string & {});

export interface PavedErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Structured facts for `--json` output (command, exit code, file, line...). */
  details?: Record<string, unknown>;
}

export class PavedError extends Error {
  override readonly name = "PavedError";
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: PavedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, ...this.details };
  }
}

export function isPavedError(value: unknown, code?: ErrorCode): value is PavedError {
  return value instanceof PavedError && (code === undefined || value.code === code);
}
