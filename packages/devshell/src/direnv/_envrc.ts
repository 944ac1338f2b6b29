/**
 * The `.envrc` paved writes. It has two paths on purpose:
 * - with paved on PATH it asks `paved direnv-export`, which serves the cached environment (no Nix process on a
 *   warm cache) and prints a `watch_file` line for every file the environment was built from, so direnv reloads
 *   when any of them changes — including `.nix` files the flake imports, which a static list would miss;
 * - without paved (a teammate who never installed it, a CI box) it falls back to direnv's own `use flake`, so the
 *   file works with nothing but Nix and direnv.
 * The body has no paved header; `paved init` writes it through the managed-files layer, which adds one.
 */

import { flakeAttrPath, shellQuote } from "@paved/core";
import { digest } from "../shell/_cache.ts";

export interface EnvrcOptions {
  /** devShell to load. Default: the shell paved picks for the `.envrc`'s directory (`default` at the root). */
  shell?: string;
  /** Path from the `.envrc`'s directory to the flake (the repository root), e.g. `../..` in a sub-project. Default `.`. */
  flakeDir?: string;
  /**
   * Local nixpkgs checkout or mirror (absolute) for air-gapped machines, passed to both paths. Leave it out when
   * paved.yaml sets `nixpkgs.path`: paved reads that itself (the fallback then needs the flake's own lock).
   */
  nixpkgsPath?: string;
  /** Files the fallback path should watch besides flake.nix, flake.lock and paved.yaml (relative to the `.envrc`). */
  watch?: string[];
}

function joinPath(dir: string, file: string): string {
  return dir === "." || dir === "" ? file : `${dir.replace(/\/+$/, "")}/${file}`;
}

/** The `.envrc`'s own part of its stamp directory's name: the shell it asks for and the nixpkgs override. */
export function stampKey(options: Pick<EnvrcOptions, "shell" | "nixpkgsPath">): string {
  return `${options.shell ?? "auto"}${options.nixpkgsPath ? `@${digest(options.nixpkgsPath).slice(0, 8)}` : ""}`;
}

/** The text of a `.envrc` (without the paved header). */
export function renderEnvrc(options: EnvrcOptions = {}): string {
  const flakeDir = options.flakeDir ?? ".";
  const watched = ["flake.nix", "flake.lock", "paved.yaml"].map((file) => joinPath(flakeDir, file));
  watched.push(...(options.watch ?? []));

  // No --dir: paved walks up from the `.envrc`'s directory to the flake, as `paved shell` does.
  const exportArgs = ["direnv-export"];
  if (options.shell) exportArgs.push("--shell", options.shell);
  if (options.nixpkgsPath) exportArgs.push("--nixpkgs", options.nixpkgsPath);

  const installable = options.shell ? `${flakeDir}#${flakeAttrPath([options.shell])}` : flakeDir;
  const flakeArgs = [installable, "--extra-experimental-features", "nix-command flakes"];
  if (options.nixpkgsPath) flakeArgs.push("--override-input", "nixpkgs", `path:${options.nixpkgsPath}`);

  return [
    "# Loads this project's dev shell into your shell when you cd here (run `direnv allow` once).",
    "# With paved installed the environment comes from its cache: when nothing changed, this file decides that",
    "# itself (a stamp paved wrote: one `stat` of every input) and runs neither paved nor Nix. On a change paved",
    "# keeps the last environment (STALE) and evaluates in the background. Without paved, direnv's `use flake`.",
    "__paved_d=${PAVED_CACHE_DIR:-}",
    'if [ -z "$__paved_d" ]; then',
    "  case ${XDG_CACHE_HOME:-} in /*) __paved_d=$XDG_CACHE_HOME/paved ;; *) __paved_d=$HOME/.cache/paved ;; esac",
    "fi",
    // One directory per .envrc and per what it asks for: editing `--shell` or `--nixpkgs` never reuses a stamp.
    `__paved_d=$__paved_d/direnv$PWD/${stampKey(options)}`,
    'if [ -r "$__paved_d/stamp" ] && . "$__paved_d/stamp" && __paved_fresh && [ -r "$__paved_d/env" ]; then',
    // The cached environment watches every input (flake.nix, flake.lock and paved.yaml among them) in one call.
    '  . "$__paved_d/env"',
    ...(options.watch?.length ? [`  watch_file ${options.watch.map(shellQuote).join(" ")}`] : []),
    '  if [ -e "$__paved_d/notice" ]; then read -r __paved_n < "$__paved_d/notice"; log_status "$__paved_n"; rm -f "$__paved_d/notice"; fi',
    "elif has paved; then",
    `  if __paved_env="$(paved ${exportArgs.map(shellQuote).join(" ")} --stamp-dir "$__paved_d")"; then`,
    '    eval "$__paved_env"',
    ...(options.watch?.length ? [`    watch_file ${options.watch.map(shellQuote).join(" ")}`] : []),
    '  elif [ -r "$__paved_d/env" ]; then',
    '    . "$__paved_d/env"',
    `    watch_file ${watched.map(shellQuote).join(" ")}`,
    "    export PAVED_SHELL_STALE=failed",
    "    log_error \"paved failed (see above); keeping the last environment, STALE. 'paved shell -- true' shows why.\"",
    "  else",
    `    watch_file ${watched.map(shellQuote).join(" ")}`,
    "    log_error \"paved failed (see above): this shell does NOT have the project's toolchain. 'paved shell -- true' shows why.\"",
    "  fi",
    "else",
    `  watch_file ${watched.map(shellQuote).join(" ")}`,
    '  log_error "paved is not on PATH: loading the flake with direnv\'s use flake instead (slower; install paved for cached loads)"',
    `  use flake ${flakeArgs.map(shellQuote).join(" ")}`,
    "fi",
    "unset __paved_d __paved_n __paved_env",
    "",
  ].join("\n");
}
