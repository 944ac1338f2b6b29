/**
 * Version constraints as the ecosystems write them, answered by `semver` (npm's own range implementation):
 * "does nixpkgs' Node 22 line satisfy engines >=20 <23?" is `semver.intersects`. Each dialect is turned into an
 * npm range first: PEP 440 specifiers (`~=3.11.2`, `==3.12.*`, `>=3.9,<3.13`) are parsed by
 * @renovatebot/pep440; Ruby's `~> 1.9` and Composer's `|` / `,` are rewritten here, as neither has a
 * maintained JavaScript reader. Bare versions are prefixes ("22" = 22.x), as in npm. `!=` exclusions are
 * dropped: they never decide a whole release line.
 */
import { explain as explainPep440 } from "@renovatebot/pep440";
import { parse as parsePep440 } from "@renovatebot/pep440/lib/specifier.js";
import semver from "semver";

export type Version = [number, number, number];

export interface Range {
  /** The constraint as an npm range. */
  npm: semver.Range;
  /** The text as written. */
  text: string;
  /** A single version was named (22.11.0, =1.7.5): the exact request, for asked/got messages. */
  exact?: Version;
}

export function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const VERSION = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(?:[-+._]?[A-Za-z0-9.+-]*)?$/i;

/** "22.11" → { v: [22, 11, 0], parts: 2 }; undefined for text that is not a version. */
export function parseVersion(text: string): { v: Version; parts: number } | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const nums = [m[1], m[2], m[3]].map((p) => (p !== undefined && /^\d+$/.test(p) ? Number(p) : undefined));
  // 3.12.* stops counting at the wildcard.
  const cut = nums.indexOf(undefined);
  return { v: [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0], parts: cut < 0 ? 3 : cut };
}

function formatVersion(v: Version, parts = 3): string {
  return v.slice(0, parts).join(".");
}

const ANY = /^(|\*|x|any|lts|latest|stable|current|node|system)$/i;

/**
 * Parse a constraint. Words that are not versions ("lts", "latest", "stable", "*", "") mean "any"; the
 * caller decides what "any" prefers. Returns undefined when the text cannot be read at all.
 */
export function parseRange(text: string): Range | undefined {
  const trimmed = text.trim();
  const npm = ANY.test(trimmed) ? "*" : toNpm(trimmed);
  if (npm === undefined) return undefined;
  let range: semver.Range;
  try {
    range = new semver.Range(npm, { loose: true });
  } catch {
    return undefined;
  }
  const single = /^(?:={0,2})\s*(\S+)$/.exec(trimmed);
  const parsed = single ? parseVersion(single[1]!) : undefined;
  return { npm: range, text, ...(parsed && parsed.parts >= 3 ? { exact: parsed.v } : {}) };
}

/** One constraint in npm's syntax, from whichever dialect it is written in. */
function toNpm(text: string): string | undefined {
  if (/~=|===|==/.test(text) && !/\|/.test(text)) return pep440ToNpm(text);
  const alternatives = text.split(/\s*\|\|?\s*/); // npm `||`, Composer `|`
  const out: string[] = [];
  for (const alt of alternatives) {
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(alt);
    if (hyphen) {
      const [lo, hi] = [npmVersion(hyphen[1]!), npmVersion(hyphen[2]!)];
      if (lo === undefined || hi === undefined) return undefined;
      out.push(`${lo} - ${hi}`);
      continue;
    }
    const tokens = alt
      .replace(/(>=|<=|~>|!=|[<>=^~])\s+/g, "$1")
      .split(/[\s,]+/)
      .filter(Boolean);
    const kept: string[] = [];
    for (const token of tokens) {
      const m = /^(>=|<=|~>|!=|[<>=^~]|)(.*)$/.exec(token)!;
      const version = parseVersion(m[2]!);
      const written = npmVersion(m[2]!);
      if (!version || written === undefined) return undefined;
      if (m[1] === "!=") continue;
      kept.push(m[1] === "~>" ? pessimistic(version) : `${m[1]}${written}`);
    }
    out.push(kept.length ? kept.join(" ") : "*");
  }
  return out.join(" || ");
}

/**
 * A version as npm writes it: at most three parts, wildcards kept, a `-pre` suffix kept as a prerelease and
 * anything else after the third part dropped ("8.0.100.1", "1.22rc1" → "1.22").
 */
function npmVersion(text: string): string | undefined {
  const m = /^v?(\d+(?:\.(?:\d+|x|\*)){0,2})(-[0-9A-Za-z.-]+)?/i.exec(text.trim());
  if (!m || !VERSION.test(text.trim())) return undefined;
  return m[1]! + (m[2] && /^(?:\d+\.){2}\d+$/.test(m[1]!) ? m[2] : "");
}

/** Ruby's `~> 1.9` / PEP 440's `~=`: the last named part may grow, the one before it may not. */
function pessimistic({ v, parts }: { v: Version; parts: number }): string {
  if (parts <= 1) return `>=${formatVersion(v)}`;
  const hi: Version = parts === 2 ? [v[0] + 1, 0, 0] : [v[0], v[1] + 1, 0];
  return `>=${formatVersion(v)} <${formatVersion(hi)}`;
}

/** A PEP 440 specifier set (comma = AND) as an npm range, read by @renovatebot/pep440. */
function pep440ToNpm(text: string): string | undefined {
  const specifiers = parsePep440(text.replace(/\s*,\s*/g, ","));
  if (!specifiers) return undefined;
  const parts: string[] = [];
  for (const spec of specifiers) {
    if (spec.operator === "!=") continue;
    const explained = explainPep440(spec.version);
    if (!explained) return undefined;
    const release = explained.release;
    const v: Version = [release[0] ?? 0, release[1] ?? 0, release[2] ?? 0];
    const named = Math.min(release.length, 3);
    if (spec.operator === "~=") parts.push(pessimistic({ v, parts: named }));
    else if (spec.operator === "==" || spec.operator === "===")
      parts.push(spec.prefix ? `${formatVersion(v, named)}.x` : `=${formatVersion(v)}`);
    else parts.push(`${spec.operator}${formatVersion(v, named)}`);
  }
  return parts.length ? parts.join(" ") : "*";
}

/** A release line such as "22" (22.x) or "3.12" (3.12.x) as a range. */
export function lineRange(line: string): semver.Range {
  return new semver.Range(line, { loose: true });
}

/** Does any version of the range fall in the release line? */
export function overlaps(range: Range, line: semver.Range): boolean {
  return semver.intersects(range.npm, line, { loose: true });
}

export function rangesCompatible(a: Range, b: Range): boolean {
  return semver.intersects(a.npm, b.npm, { loose: true });
}

export function contains(range: Range, v: Version): boolean {
  return semver.satisfies(formatVersion(v), range.npm, { loose: true });
}

/** The lowest version the range allows, or undefined when nothing satisfies it. */
export function lowestVersion(range: Range): Version | undefined {
  const min = semver.minVersion(range.npm);
  return min ? [min.major, min.minor, min.patch] : undefined;
}
