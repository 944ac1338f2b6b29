import type { Toolchain } from "@paved/core";

/**
 * How sure a pin is, which decides who wins when two files disagree:
 *   exact    — a file whose only job is to name the version (.nvmrc, .python-version, rust-toolchain, global.json, go.mod toolchain)
 *   manager  — an asdf/mise file (.tool-versions, mise.toml): explicit, but shared across tools and often stale
 *   manifest — a constraint inside a project manifest (engines, requires-python, Gemfile ruby, composer require.php, pom)
 *   presence — the project needs the tool but names no version (a lockfile, a marker file)
 */
export type PinStrength = "exact" | "manager" | "manifest" | "presence";

export interface Pin {
  toolchain: Toolchain;
  /** What the file says, normalised: "22", "22.11.0", ">=3.11", "^8.3", "stable", "" for presence only. */
  version: string;
  /** Path relative to the repository root, e.g. "services/api/go.mod". */
  file: string;
  /** 1-based line of the value when known. */
  line?: number;
  strength: PinStrength;
  /** One sentence for people: which field said what. */
  reason: string;
  /**
   * The lowest version users of a published package may run (its `engines`), not a request for a development
   * toolchain: never a reason for a shell of its own.
   */
  floor?: boolean;
}

export interface Conflict {
  toolchain: Toolchain;
  /** The pins that disagree (the chosen one first). */
  pins: Pin[];
  chosen: Pin;
  message: string;
  /** How to choose differently. */
  override: string;
}

/** Everything detection found about one directory with its own marker files. */
export interface Project {
  /** Relative to the root; "" for the root itself. */
  dir: string;
  markers: string[];
  /** One pin per toolchain after conflicts are settled. */
  pins: Pin[];
  /** Every pin seen, including the ones that lost. */
  allPins: Pin[];
  conflicts: Conflict[];
  /** Things detection saw and deliberately did not act on (unknown asdf plugins, rust targets…). */
  notes: string[];
  /** Directories this project declares as workspace members (globs already expanded), relative to the root. */
  workspaceMembers: string[];
  /** Rust components and targets asked for by rust-toolchain files. */
  rust?: { components: string[]; targets: string[] };
}

interface ScanStats {
  directories: number;
  markerFiles: number;
  /** Wall time of the scan in milliseconds. */
  ms: number;
}

export interface Detection {
  root: string;
  projects: Project[];
  /** Directories that were not treated as projects (examples, tests, fixtures, docs, vendored, generated, detect.exclude). */
  skipped: { dir: string; reason: string }[];
  stats: ScanStats;
}
