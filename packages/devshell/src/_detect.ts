/** `detectProject`: scan, settle pins, plan shells and explain every choice. */
import { CURRENT_STABLE_RELEASE, nixpkgsBranch, type Toolchain } from "@paved/core";
import { summariseSkipped } from "./detect/_projects.ts";
import { scanRepository } from "./detect/_scan.ts";
import { planShells, type PlannedShell } from "./detect/_shells.ts";
import type { Conflict, Detection } from "./detect/_types.ts";
import type { ResolutionStatus } from "./nixpkgs/_resolve.ts";
import { releaseTable } from "./nixpkgs/_tables.ts";

export interface ChoiceExplained {
  toolchain: Toolchain;
  asked: string;
  /** Where the pin came from: "services/api/go.mod:3". */
  from: string;
  /** What the file said. */
  because: string;
  attr?: string;
  /** Attributes that come along with it (cargo with rustc). */
  also: string[];
  got: string;
  status: ResolutionStatus;
  /** How the attribute was chosen, and what could not be honoured. */
  mapping: string;
  /** The NixOS release the attribute comes from when it is not the pinned one. */
  release?: string;
}

export interface ShellExplained {
  name: string;
  dir?: string;
  serves: string[];
  why?: string;
  choices: ChoiceExplained[];
  packages: string[];
  unfree: string[];
}

export interface DetectResult {
  root: string;
  release: string;
  shells: ShellExplained[];
  conflicts: (Conflict & { dir: string })[];
  notes: string[];
  /** Directories not treated as projects, one line per reason ("examples: examples/a/, examples/b/"). */
  skipped: string[];
  /** Plain data for callers that render their own view. */
  detection: Detection;
  planned: PlannedShell[];
}

export interface DetectOptions {
  /** NixOS release to map to (default: paved.yaml's, else the current stable). */
  release?: string;
  /** paved.yaml's detect.include / detect.exclude globs. */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Keep every toolchain on the pinned release, even a line only another release has (it is then only named). */
  pinnedOnly?: boolean;
}

export function explainShell(shell: PlannedShell): ShellExplained {
  return {
    name: shell.name,
    ...(shell.dir === undefined ? {} : { dir: shell.dir }),
    serves: shell.serves,
    ...(shell.why ? { why: shell.why } : {}),
    choices: shell.pins.map((pin, i) => {
      const r = shell.resolutions[i]!;
      return {
        toolchain: pin.toolchain,
        asked: pin.version,
        from: pin.line === undefined ? pin.file : `${pin.file}:${pin.line}`,
        because: pin.reason,
        ...(r.attr ? { attr: r.attr } : {}),
        also: r.extra,
        got: r.got,
        status: r.status,
        mapping: r.reason,
        ...(r.release ? { release: r.release } : {}),
      };
    }),
    packages: shell.packages,
    unfree: shell.unfree,
  };
}

export function detectProject(root: string, options: DetectOptions = {}): DetectResult {
  const release = nixpkgsBranch(options.release ?? CURRENT_STABLE_RELEASE);
  const detection = scanRepository(root, {
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
  });
  const planned = planShells(detection, release, { pinnedOnly: options.pinnedOnly === true });
  const notes = detection.projects.flatMap((p) => p.notes);
  const fallback = releaseTable(release).fallback;
  if (fallback)
    notes.unshift(
      `paved has no attribute table for ${release}; names come from ${fallback}'s table. Pass --nixpkgs (or set nixpkgs.path) so paved can check them with nix eval.`,
    );
  for (const project of detection.projects) {
    const targets = project.rust?.targets ?? [];
    if (targets.length > 0)
      notes.push(
        `${project.dir || "."}: rust-toolchain targets ${targets.join(", ")} need an overlay (oxalica/rust-overlay or fenix); nixpkgs' rustc builds for the host only.`,
      );
    const unknown = (project.rust?.components ?? []).filter(
      (c) => !["clippy", "rustfmt", "rust-analyzer", "rustc", "cargo", "rust-std"].includes(c),
    );
    if (unknown.length > 0)
      notes.push(
        `${project.dir || "."}: rust components ${unknown.join(", ")} have no nixpkgs package of their own; rust-src is at pkgs.rustPlatform.rustLibSrc.`,
      );
  }
  for (const shell of planned) {
    if (shell.unfree.includes("terraform"))
      notes.push(
        `shell ${shell.name}: Terraform is unfree in nixpkgs (BUSL); it is allowed by name only. OpenTofu (attribute opentofu) is the free, drop-in alternative: set toolchains.opentofu in paved.yaml to switch.`,
      );
  }
  return {
    root,
    release,
    shells: planned.map(explainShell),
    conflicts: detection.projects.flatMap((p) => p.conflicts.map((c) => ({ ...c, dir: p.dir }))),
    notes,
    skipped: summariseSkipped(detection.skipped),
    detection,
    planned,
  };
}
