/**
 * A version line the pinned NixOS release no longer (or not yet) carries is taken from the newest release that
 * has it: a second nixpkgs input in the generated flake, one per release, shared by every toolchain that needs it.
 * Everything else stays on the pinned release.
 *
 * Support facts (checked December 2026):
 *  - A NixOS release gets security updates until one month after the next one is out (NixOS release wiki,
 *    "EOL cleanup"): nixos-25.11 until 2026-06-30, nixos-26.05 until 2026-12-31. nixos-unstable is rolling.
 *  - Node.js 20 reached end of life on 2026-04-30, 22 ends 2027-04-30, 24 ends 2028-04-30 (nodejs/Release).
 *  - Go supports the two newest minor releases: Go 1.24 lost support when Go 1.26 came out (February 2026).
 *  - nixos-24.11 got security updates until 2025-06-30, nixos-22.11 until 2023-06-30: archived releases, read
 *    only for the toolchains _tables.ts lists for them (Terraform lines no supported release has).
 */
import type { Toolchain } from "@paved/core";
import { resolvePin, toolName, type Resolution } from "./_resolve.ts";
import { ARCHIVED, TABLES } from "./_tables.ts";

/** Release branches paved can take a toolchain from, newest first; archived ones last, for their listed toolchains only. */
const RELEASES = ["nixos-unstable", "nixos-26.05", "nixos-25.11", ...Object.keys(ARCHIVED).sort().reverse()] as const;

const RELEASE_EOL: Record<string, string> = {
  "nixos-22.11": "2023-06-30",
  "nixos-24.11": "2025-06-30",
  "nixos-25.11": "2026-06-30",
  "nixos-26.05": "2026-12-31",
};

/** End of upstream security support per version line, where paved knows it. */
const LINE_EOL: Partial<Record<Toolchain, Record<string, string>>> = {
  node: { "18": "2025-04-30", "20": "2026-04-30", "22": "2027-04-30", "24": "2028-04-30" },
  go: { "1.23": "2025-08-12", "1.24": "2026-02-10" },
  python: { "3.9": "2025-10-31", "3.10": "2026-10-31", "3.11": "2027-10-31" },
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** "nixos-25.11 gets security updates until 2026-06-30" / "… stopped getting security updates on 2026-06-30". */
function releaseSupport(release: string, now = today()): string {
  if (release.endsWith("unstable")) return `${release} is rolling: it gets security updates as nixpkgs does`;
  const eol = RELEASE_EOL[release];
  if (!eol) return `paved does not know how long ${release} gets security updates`;
  return eol < now
    ? `${release} stopped getting security updates on ${eol}`
    : `${release} gets security updates until ${eol}`;
}

/** "Node.js 20 reached end of life on 2026-04-30: no more security fixes upstream" (or nothing when unknown). */
function lineSupport(toolchain: Toolchain, line: string, now = today()): string | undefined {
  const eol = LINE_EOL[toolchain]?.[line];
  if (!eol) return undefined;
  return eol < now
    ? `${toolName(toolchain)} ${line} reached end of life on ${eol}: no more security fixes upstream`
    : `${toolName(toolchain)} ${line} gets security fixes upstream until ${eol}`;
}

export interface CrossResolution extends Resolution {
  /** Set when the attribute comes from another release than the pinned one. */
  release?: string;
}

/**
 * Resolve a pin on the pinned release; when that release cannot give the asked line, take it from the newest
 * release that can (unless `pinnedOnly`, where the other release is only named). `fromRelease` is a release
 * paved.yaml already chose for this toolchain; `search: false` never looks at other releases (rendering: only
 * paved.yaml decides, so `paved sync` never switches a release on its own).
 */
export function resolveAcross(
  toolchain: Toolchain,
  version: string,
  pinned: string,
  options: { attr?: string; fromRelease?: string; pinnedOnly?: boolean; search?: boolean } = {},
): CrossResolution {
  if (options.fromRelease && options.fromRelease !== pinned) {
    const r = resolvePin(toolchain, version, options.fromRelease, options.attr);
    return {
      ...r,
      release: options.fromRelease,
      reason: `${r.reason}; from ${options.fromRelease} (toolchains.${toolchain}.release in paved.yaml): ${releaseSupport(options.fromRelease)}`,
    };
  }
  const here = resolvePin(toolchain, version, pinned, options.attr);
  if (
    here.status !== "unavailable" ||
    options.search === false ||
    options.attr ||
    version.trim() === "" ||
    !TABLES[pinned]
  )
    return here;
  for (const release of RELEASES) {
    if (release === pinned || TABLES[release] === TABLES[pinned]) continue;
    if (ARCHIVED[release] && !ARCHIVED[release]![toolchain]) continue;
    const there = resolvePin(toolchain, version, release);
    if (there.status === "unavailable" || !there.attr) continue;
    const line = there.got.replace(/^about /, "").replace(/\.x$/, "");
    const support = [releaseSupport(release), lineSupport(toolchain, line)].filter(Boolean).join("; ");
    if (options.pinnedOnly) {
      return {
        ...here,
        reason: `${here.reason}. ${release} has ${there.attr} (${there.got}); paved init without --pinned-release-only takes it from there (${support})`,
      };
    }
    return {
      ...there,
      release,
      reason: `${pinned} has no ${toolName(toolchain)} ${version}; ${there.attr} (${there.got}) comes from ${release}, the newest NixOS release that has it, and everything else stays on ${pinned}. Security: ${support}`,
    };
  }
  return here;
}
