/** What every command handler gets from the CLI: resolved global flags and a way to report progress. */
export interface CommandContext {
  /**
   * Absolute directory to work in: the repository's root (nearest paved.yaml upwards from `--dir` or the current
   * directory, see _root.ts), or for init/shell/direnv-export the directory itself.
   */
  dir: string;
  /** Where the user ran paved (`--dir`, default the current directory). */
  cwd: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
  /** Progress for people, on stderr; silent with --quiet or --json. */
  progress: (line: string) => void;
  /** Warnings a person must see even with --quiet (stale environments, say); on stderr. */
  warn: (line: string) => void;
  /** Machine-readable progress with --json: one JSON object per line on stderr (stdout keeps the result). */
  event: (event: unknown) => void;
  /** Aborted on Ctrl-C so running nix/ssh children are stopped. */
  signal: AbortSignal;
}

/** A handler returns data (printed as JSON with --json) and the text a person reads. */
export interface CommandOutput {
  data: unknown;
  text?: string;
  /** Non-zero when the command ran but found problems (e.g. files kept because they were edited). */
  exitCode?: number;
}
