import type { PavedError } from "@paved/core/errors";

/** Documented in README.md and docs/cli.md; scripts may rely on them. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (a build, a health check, a rollout). */
  failed: 1,
  /** Wrong flags or arguments. */
  usage: 2,
  /** paved.yaml (or another input file) is missing or invalid. */
  config: 3,
  /** Nix is missing, too old, or a Nix evaluation/build failed. */
  nix: 4,
  /** Done, but something needs a person: files kept because they were edited, drift found. */
  attention: 5,
  /** A rollout succeeded, but some hosts failed (each put back), within its failure budget. */
  partial: 6,
  /** A bug in paved. */
  internal: 70,
  /** A rollout could not settle some hosts (unreachable) and has not ended: resume it once they answer. */
  incomplete: 75,
  /** Interrupted (Ctrl-C, SIGINT). */
  interrupted: 130,
  /** Terminated (SIGTERM: `timeout`, `systemctl stop`, a CI cancel button). */
  terminated: 143,
} as const;

export function exitCodeFor(error: PavedError, signal?: NodeJS.Signals): number {
  const code = error.code;
  if (code === "E_USAGE") return EXIT.usage;
  if (code === "E_CANCELLED" || code === "E_NIX_CANCELLED" || code === "E_ROLLOUT_INTERRUPTED")
    return signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
  if (
    code.startsWith("E_CONFIG") ||
    [
      "E_INPUT",
      "E_SECRET_LITERAL",
      "E_NOT_GIT_REPO",
      "E_MARKER_PARSE",
      "E_SHELL_UNKNOWN",
      "E_NIXPKGS_ATTR",
      "E_SHELL_NO_FLAKE",
      "E_FILE_READ",
    ].includes(code)
  ) {
    return EXIT.config;
  }
  if (code.startsWith("E_NIX")) return EXIT.nix;
  if (code === "E_FILE_EDITED") return EXIT.attention;
  return EXIT.failed;
}
