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

/**
 * The machine paved runs on, not paved, went wrong: a full disk, a read-only or immutable file, missing
 * permissions. Each gets its own stable code and a hint (exit 1), never E_INTERNAL. Returns undefined for any
 * other error.
 */
const ENVIRONMENT: Record<string, { code: ErrorCode; what: string; hint: string }> = {
  ENOSPC: {
    code: "E_DISK_FULL",
    what: "no space left on the device",
    hint: "Free space on that file system (df -h), then run the command again.",
  },
  EDQUOT: {
    code: "E_DISK_FULL",
    what: "disk quota exceeded",
    hint: "Free space or raise the quota, then run the command again.",
  },
  EROFS: {
    code: "E_READ_ONLY",
    what: "the file system is read-only",
    hint: "Remount it read-write (or work from a writable checkout), then run the command again.",
  },
  EPERM: {
    code: "E_PERMISSION",
    what: "operation not permitted (an immutable or append-only file?)",
    hint: "Check the file's attributes (lsattr) and owner, then run the command again.",
  },
  EACCES: {
    code: "E_PERMISSION",
    what: "permission denied",
    hint: "Check the owner and mode of the file and its directory, then run the command again.",
  },
};

export function environmentError(error: unknown, path?: string): PavedError | undefined {
  if (error instanceof PavedError) return undefined;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = errno ? ENVIRONMENT[errno] : undefined;
  if (!known) return undefined;
  const where = path ?? (error as NodeJS.ErrnoException).path;
  return new PavedError(known.code, `${where ? `${where}: ` : ""}${known.what} (${errno})`, {
    hint: known.hint,
    cause: error,
    details: { errno, ...(where ? { path: where } : {}) },
  });
}
