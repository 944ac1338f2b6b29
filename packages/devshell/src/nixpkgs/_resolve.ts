/** From "the repository asks for Node >=20 <23" to "nodejs_22 of nixos-26.05", with the reason in words. */
import type { Toolchain } from "@paved/core";
import { compare, lineRange, lowestVersion, overlaps, parseRange, parseVersion, type Range } from "./_range.ts";
import { BUNDLED, releaseTable, type Line, type ToolTable } from "./_tables.ts";

export type ResolutionStatus =
  /** The release gives a version the pin accepts. */
  | "satisfied"
  /** Right line, but the pin named a patch release nixpkgs may not carry exactly. */
  | "line"
  /** The release has no version the pin accepts; the closest one was taken. */
  | "unavailable"
  /** Nothing to add (npm ships with Node). */
  | "bundled";

export interface Resolution {
  toolchain: Toolchain;
  /** What the repository asked for ("" = no version). */
  asked: string;
  /** The nixpkgs attribute chosen; undefined for bundled tools. */
  attr?: string;
  /** The version line the attribute carries, e.g. "22.x", or "about 1.91" for single-version tools. */
  got: string;
  status: ResolutionStatus;
  /** Why this attribute, in one sentence. */
  reason: string;
  /** Package names that must be allowed as unfree. */
  unfree?: string;
  /** Attributes that come along (cargo with rustc). */
  extra: string[];
}

const TOOL_NAMES: Partial<Record<Toolchain, string>> = {
  node: "Node.js",
  python: "Python",
  go: "Go",
  rust: "Rust",
  java: "JDK",
  ruby: "Ruby",
  php: "PHP",
  dotnet: ".NET SDK",
  terraform: "Terraform",
  opentofu: "OpenTofu",
};

export function toolName(t: Toolchain): string {
  return TOOL_NAMES[t] ?? t;
}

function gotText(line: Line, table: ToolTable): string {
  return table.single ? `about ${line.line}` : `${line.line}.x`;
}

function lineList(table: ToolTable): string {
  return table.lines.map((l) => l.line).join(", ");
}

/**
 * Choose the attribute for one toolchain pin. `attr` is a hand-set override from paved.yaml and always wins.
 */
export function resolvePin(toolchain: Toolchain, version: string, release: string, attr?: string): Resolution {
  const asked = version.trim();
  if (attr) {
    return {
      toolchain,
      asked,
      attr,
      got: "as set",
      status: "satisfied",
      reason: `attribute ${attr} set by hand in paved.yaml`,
      extra: [],
    };
  }
  const bundled = BUNDLED[toolchain];
  if (bundled) return { toolchain, asked, got: "with nodejs", status: "bundled", reason: bundled, extra: [] };
  const { table: releaseTables, fallback } = releaseTable(release);
  const table = releaseTables[toolchain];
  if (!table) {
    return {
      toolchain,
      asked,
      got: "nothing",
      status: "unavailable",
      reason: `paved has no nixpkgs mapping for ${toolchain}`,
      extra: [],
    };
  }
  const base = { toolchain, asked, extra: table.with ?? [] };
  const preferred = table.lines.find((l) => l.preferred) ?? table.lines.at(-1)!;
  const mk = (line: Line, status: ResolutionStatus, reason: string): Resolution => ({
    ...base,
    attr: line.attr,
    got: gotText(line, table),
    status,
    reason: fallback
      ? `${reason} (paved has no table for ${release}; names from ${fallback}, checked by nix eval when a local nixpkgs is given)`
      : reason,
    ...(line.unfree ? { unfree: line.unfree } : {}),
  });

  if (toolchain === "rust" && /^(nightly|beta)/.test(asked)) {
    return mk(
      preferred,
      "unavailable",
      `nixpkgs builds stable Rust only; the ${asked} channel needs an overlay such as oxalica/rust-overlay or fenix, so ${release}'s stable rustc (${gotText(preferred, table)}) is used`,
    );
  }
  const range: Range | undefined = parseRange(asked);
  if (!range) {
    return mk(preferred, "unavailable", `could not read "${asked}" as a version; using ${release}'s ${preferred.attr}`);
  }
  if (asked === "" || /^(stable|\*|any)$/i.test(asked)) {
    const why = table.single
      ? `${release} carries one ${toolName(toolchain)}`
      : `no version pinned; ${preferred.attr} is paved's choice for ${release}`;
    return mk(preferred, "satisfied", why);
  }
  if (/^(lts)$/i.test(asked)) {
    // nvm resolves lts/* to the newest LTS line at install time, not to paved's default line.
    const lts = table.lines.filter((l) => l.lts).at(-1) ?? preferred;
    return mk(lts, "satisfied", `lts/* is the newest LTS line; in ${release} that is ${lts.attr}`);
  }
  if (/^(latest|current|node)$/i.test(asked)) return mk(table.lines.at(-1)!, "satisfied", `newest line in ${release}`);

  const fits = table.lines.filter((l) => overlaps(range, lineRange(l.line)));
  if (fits.length > 0) {
    const chosen = fits.includes(preferred) ? preferred : fits.at(-1)!;
    if (range.exact && !table.single) {
      return mk(
        chosen,
        "line",
        `asked ${asked}, got ${chosen.attr} (${gotText(chosen, table)}): nixpkgs keeps one patch release per line, not every ${asked.split(".").slice(0, 2).join(".")} patch`,
      );
    }
    const why =
      fits.length > 1
        ? `${asked} allows ${fits.map((l) => l.attr).join(", ")}; took ${chosen === preferred ? "paved's default" : "the newest"}`
        : `${asked} → ${chosen.attr}`;
    return mk(
      chosen,
      range.exact ? "line" : "satisfied",
      table.single && range.exact
        ? `asked ${asked}, ${release} carries ${toolName(toolchain)} ${gotText(chosen, table)}`
        : why,
    );
  }
  // Nothing fits: take the closest line and say why.
  const lowest = lowestVersion(range) ?? [0, 0, 0];
  const first = table.lines[0]!;
  const closest = compare(lowest, parseVersion(first.line)!.v) < 0 ? first : table.lines.at(-1)!;
  const why = table.single
    ? toolchain === "rust"
      ? `nixpkgs has one rustc per release (${release}: ${gotText(closest, table)}); an exact channel like ${asked} cannot be honoured without an overlay such as oxalica/rust-overlay`
      : `nixpkgs carries one ${toolName(toolchain)} version per release (${release}: ${gotText(closest, table)})`
    : `${release} has no ${toolName(toolchain)} ${asked}; its lines are ${lineList(table)}`;
  return mk(
    closest,
    "unavailable",
    `asked ${asked}, got ${closest.attr} (${gotText(closest, table)}): ${why}. Pin another release with nixpkgs.release in paved.yaml, or change the pin`,
  );
}

/** Would `attr` (a line of this release) satisfy the pin? Lets a sub-project with `>=22` share a shell that has nodejs_22. */
export function pinAccepts(toolchain: Toolchain, version: string, attr: string, release: string): boolean {
  const line = releaseTable(release).table[toolchain]?.lines.find((l) => l.attr === attr);
  const range = parseRange(version);
  if (!line || !range) return false;
  return overlaps(range, lineRange(line.line));
}
