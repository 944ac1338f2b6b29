/**
 * Which nixpkgs attribute gives which version line, per NixOS release. Names were checked against the nixpkgs
 * sources and issue tracker (pkgs/top-level/all-packages.nix, pkgs/top-level/aliases.nix, pkgs/by-name):
 *  - nodejs_20 is gone from nixos-26.05 (Node 20 reached end of life on 2026-04-30; NixOS/nixpkgs#515284),
 *    nodejs_25 was removed after its EOL, nodejs_26 is present.
 *  - go_1_24 was removed in March 2026 (nixpkgs 88452f2); go_1_26 was added in February 2026 (NixOS/nixpkgs#490463).
 *  - `nixfmt` is the RFC 166 formatter; the old `nixfmt-rfc-style` alias is dropped for 26.05 (NixOS/nixpkgs#433100).
 *  - yarn-berry (Berry 4) and yarn-berry_3 (`yarn-berry.override { berryVersion = 3; }`) come from pkgs/by-name/ya/yarn-berry.
 *  - Node.js 26 was promoted to LTS on 2026-10-28 (nodejs/Release schedule.json), so `lts/*` in an .nvmrc
 *    means 26.x from then on; 22 and 24 are older LTS lines.
 *  - dotnet-sdk_8/_9/_10 are top-level aliases of dotnetCorePackages.sdk_8_0/… (`dotnet-sdk` is .NET 8).
 *  - Rust: one `rustc`/`cargo` per release (pkgs/development/compilers/rust/1_NN.nix, the newest one wins):
 *    nixos-25.11 shipped 1.91 (NixOS/nixpkgs#470993 took unstable from 1.91.1 to 1.92.0 in December 2025);
 *    nixos-26.05 branched off with 1.94 (nixpkgs had 1.94.0 by March 2026); nixos-unstable is at 1.99
 *    (1_99.nix is the newest in nixpkgs). An exact rust-toolchain channel is met only by the release with that line.
 *  - pnpm_11 (pkgs/development/tools/pnpm: one pnpm_N per major) is in nixos-unstable; 26.05 has pnpm_9 and pnpm_10.
 *  - Terraform: one `terraform` (= terraform_1) per release, no per-minor attributes since terraform_0_15 was
 *    removed. Older lines live only in older releases: nixos-24.11 has 1.9, nixos-22.11 has 1.3 (both past their
 *    security support; see _releases.ts, which says so whenever it takes one).
 * `about` is the version line a single-version package had when the table was written: used only to say
 * "asked X, got about Y"; the exact version comes from `nix eval` whenever a local nixpkgs is at hand.
 */
import type { Toolchain } from "@paved/core";

export interface Line {
  attr: string;
  /** Version line the attribute carries: "22" = 22.x, "3.13" = 3.13.x. */
  line: string;
  /** Chosen when the repository pins no version (or any version fits). */
  preferred?: boolean;
  /** Unfree in nixpkgs: needs allowUnfreePredicate with this package name. */
  unfree?: string;
  /** A Node.js LTS line: what `lts/*` in .nvmrc resolves to when it is the newest one. */
  lts?: boolean;
}

export interface ToolTable {
  lines: Line[];
  /** One attribute only: nixpkgs carries one version of this tool per release. */
  single?: boolean;
  /** Extra attributes that come along (cargo with rustc). */
  with?: string[];
}

export type ReleaseTable = Partial<Record<Toolchain, ToolTable>>;

const single = (attr: string, about: string, extra: Partial<ToolTable> = {}, unfree?: string): ToolTable => ({
  lines: [{ attr, line: about, preferred: true, ...(unfree ? { unfree } : {}) }],
  single: true,
  ...extra,
});

/** nixos-26.05 (current stable; also the base for unstable). */
const R2605: ReleaseTable = {
  node: {
    lines: [
      { attr: "nodejs_22", line: "22", lts: true },
      { attr: "nodejs_24", line: "24", preferred: true, lts: true },
      { attr: "nodejs_26", line: "26", lts: true },
    ],
  },
  pnpm: {
    lines: [
      { attr: "pnpm_9", line: "9" },
      { attr: "pnpm_10", line: "10", preferred: true },
    ],
  },
  yarn: {
    lines: [
      { attr: "yarn", line: "1", preferred: true },
      { attr: "yarn-berry_3", line: "3" },
      { attr: "yarn-berry", line: "4" },
    ],
  },
  bun: single("bun", "1.3"),
  deno: single("deno", "2.5"),
  python: {
    lines: [
      { attr: "python311", line: "3.11" },
      { attr: "python312", line: "3.12" },
      { attr: "python313", line: "3.13", preferred: true },
      { attr: "python314", line: "3.14" },
    ],
  },
  uv: single("uv", "0.9"),
  poetry: single("poetry", "2.2"),
  go: {
    lines: [
      { attr: "go_1_25", line: "1.25" },
      { attr: "go_1_26", line: "1.26", preferred: true },
    ],
  },
  rust: single("rustc", "1.94", { with: ["cargo"] }),
  java: {
    lines: [
      { attr: "jdk17", line: "17" },
      { attr: "jdk21", line: "21", preferred: true },
      { attr: "jdk25", line: "25" },
    ],
  },
  kotlin: single("kotlin", "2.2"),
  maven: single("maven", "3.9"),
  gradle: single("gradle", "8.14"),
  ruby: {
    lines: [
      { attr: "ruby_3_3", line: "3.3" },
      { attr: "ruby_3_4", line: "3.4", preferred: true },
    ],
  },
  bundler: single("bundler", "2.7"),
  php: {
    lines: [
      { attr: "php83", line: "8.3" },
      { attr: "php84", line: "8.4", preferred: true },
    ],
  },
  composer: single("phpPackages.composer", "2.8"),
  dotnet: {
    lines: [
      { attr: "dotnet-sdk_8", line: "8", preferred: true },
      { attr: "dotnet-sdk_9", line: "9" },
      { attr: "dotnet-sdk_10", line: "10" },
    ],
  },
  terraform: single("terraform", "1.13", {}, "terraform"),
  opentofu: single("opentofu", "1.10"),
};

/** nixos-25.11: Node 20 and Go 1.24 still present, no Node 26 / Go 1.26; Rust 1.91. */
const R2511: ReleaseTable = {
  ...R2605,
  node: {
    lines: [
      { attr: "nodejs_20", line: "20", lts: true },
      { attr: "nodejs_22", line: "22", preferred: true, lts: true },
      { attr: "nodejs_24", line: "24", lts: true },
    ],
  },
  go: {
    lines: [
      { attr: "go_1_24", line: "1.24" },
      { attr: "go_1_25", line: "1.25", preferred: true },
    ],
  },
  java: {
    lines: [
      { attr: "jdk17", line: "17" },
      { attr: "jdk21", line: "21", preferred: true },
      { attr: "jdk25", line: "25" },
    ],
  },
  rust: single("rustc", "1.91", { with: ["cargo"] }),
};

/** nixos-unstable (December 2026): 26.05 plus pnpm 11 and a newer Rust. */
const RUNSTABLE: ReleaseTable = {
  ...R2605,
  pnpm: {
    lines: [
      { attr: "pnpm_9", line: "9" },
      { attr: "pnpm_10", line: "10", preferred: true },
      { attr: "pnpm_11", line: "11" },
    ],
  },
  rust: single("rustc", "1.99", { with: ["cargo"] }),
};

export const TABLES: Record<string, ReleaseTable> = {
  "nixos-25.11": R2511,
  "nixos-26.05": R2605,
  "nixos-unstable": RUNSTABLE,
  "nixpkgs-unstable": RUNSTABLE,
};

/**
 * Releases past their security support that paved still takes a toolchain from, for the toolchains listed here
 * only (a line no supported release has, such as an exact Terraform 1.9): paved says the release is unsupported
 * whenever it does. Nothing else is read from these releases.
 */
export const ARCHIVED: Record<string, ReleaseTable> = {
  "nixos-24.11": { terraform: single("terraform", "1.9", {}, "terraform") },
  // Terraform 1.3 predates the BUSL relicensing (1.6): free in nixos-22.11.
  "nixos-22.11": { terraform: single("terraform", "1.3") },
};

/** Packages that never need their own toolchain entry: npm ships with nodejs. */
export const BUNDLED: Partial<Record<Toolchain, string>> = {
  npm: "npm comes with nodejs; nixpkgs does not package npm versions separately",
};

/** Rust toolchain components that have their own nixpkgs attribute. */
export const RUST_COMPONENTS: Record<string, string> = {
  clippy: "clippy",
  rustfmt: "rustfmt",
  "rust-analyzer": "rust-analyzer",
};

/** The formatter the generated flake offers: `nix fmt` passes a directory, which nixfmt-tree handles and plain nixfmt warns about. */
export const FORMATTER_ATTR = "nixfmt-tree";

export function releaseTable(release: string): { table: ReleaseTable; name: string; fallback?: string } {
  const known = TABLES[release];
  if (known) return { table: known, name: release };
  // An older or newer branch than paved knows: use the closest table and say so (what paved knows of an
  // archived release replaces its part of it).
  const fallback = release < "nixos-25.11" ? "nixos-25.11" : "nixos-26.05";
  return { table: { ...TABLES[fallback]!, ...ARCHIVED[release] }, name: release, fallback };
}
