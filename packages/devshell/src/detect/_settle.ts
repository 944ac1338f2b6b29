/** One pin per toolchain for a directory: the strongest wins, and disagreements become reported conflicts. */
import type { Toolchain } from "@paved/core";
import { parseRange, rangesCompatible } from "../nixpkgs/_range.ts";
import type { DirContext } from "./_dir.ts";
import type { Conflict, Pin, PinStrength, Project } from "./_types.ts";

const RANK: Record<PinStrength, number> = { exact: 0, manager: 1, manifest: 2, presence: 3 };

function where(pin: Pin): string {
  return pin.line === undefined ? pin.file : `${pin.file}:${pin.line}`;
}

function compatible(a: Pin, b: Pin): boolean {
  if (a.version === "" || b.version === "") return true;
  const ra = parseRange(a.version);
  const rb = parseRange(b.version);
  // Text we cannot read as a version ("nightly") only conflicts when it differs.
  if (!ra || !rb) return a.version === b.version;
  return rangesCompatible(ra, rb);
}

export function settle(ctx: DirContext): Project {
  const byToolchain = new Map<Toolchain, Pin[]>();
  for (const pin of ctx.pins) {
    const list = byToolchain.get(pin.toolchain) ?? [];
    list.push(pin);
    byToolchain.set(pin.toolchain, list);
  }
  const pins: Pin[] = [];
  const conflicts: Conflict[] = [];
  for (const [toolchain, list] of byToolchain) {
    // Stable sort: strongest first, and among equals the order the detectors saw them.
    const ordered = [...list].sort(
      (a, b) => RANK[a.strength] - RANK[b.strength] || (a.version === "" ? 1 : 0) - (b.version === "" ? 1 : 0),
    );
    const chosen = ordered[0]!;
    pins.push(chosen);
    const losers = ordered.slice(1).filter((p) => !compatible(chosen, p));
    if (losers.length === 0) continue;
    const other = losers[0]!;
    conflicts.push({
      toolchain,
      pins: [chosen, ...losers],
      chosen,
      message: `${where(chosen)} asks for ${toolchain} ${chosen.version} but ${losers.map((p) => `${where(p)} asks for ${p.version}`).join(" and ")}; using ${chosen.version} from ${chosen.file} (${chosen.strength === other.strength ? `both are ${chosen.strength} pins; ${chosen.file === other.file ? "the first one read wins" : `${chosen.file} comes first in ${toolchain}'s precedence (docs/step-2-devshells.md)`}` : `${chosen.strength} pins win over ${other.strength} ones`})`,
      override: `make the files agree, or set toolchains.${toolchain}.version to the version you want in paved.yaml (paved keeps a pin without "from" as yours on later runs)`,
    });
  }
  pins.sort((a, b) => (a.toolchain < b.toolchain ? -1 : a.toolchain > b.toolchain ? 1 : 0));
  return {
    dir: ctx.dir,
    markers: [...ctx.files].filter((f) => ctx.pins.some((p) => p.file === ctx.rel(f))).sort(),
    pins,
    allPins: ctx.pins,
    conflicts,
    notes: ctx.notes,
    workspaceMembers: ctx.memberPatterns,
    ...(ctx.rust ? { rust: ctx.rust } : {}),
  };
}
