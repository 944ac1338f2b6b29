/**
 * Version constraints as the ecosystems write them, read into intervals so that "does nixpkgs' Node 22 line
 * satisfy engines >=20 <23?" is one intersection. Understood: bare versions as prefixes ("22" = 22.x,
 * "3.12" = 3.12.x), 3.12.*, x-ranges, =, ==, >=, >, <=, <, ^ (npm), ~ (npm), ~> (Ruby), ~= (PEP 440),
 * `a - b` hyphen ranges, AND by spaces or commas and OR by `||` (or Composer's single `|`, as in
 * `"php": "^7.4|^8.0"`). `!=` exclusions are ignored (they never decide a whole release line).
 */
export type Version = [number, number, number];

export interface Interval {
  lo: Version;
  loInc: boolean;
  hi?: Version;
  hiInc: boolean;
}

export interface Range {
  /** OR of intervals; empty means "nothing satisfies". */
  any: Interval[];
  /** The text as written. */
  text: string;
  /** A single version was named (22.11.0, =1.7.5): the exact request, for asked/got messages. */
  exact?: Version;
}

const ZERO: Version = [0, 0, 0];
const ALL: Interval = { lo: ZERO, loInc: true, hiInc: false };

export function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** "22.11" → { v: [22, 11, 0], parts: 2 }; undefined for text that is not a version. */
export function parseVersion(text: string): { v: Version; parts: number } | undefined {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(?:[-+._]?[A-Za-z0-9.+-]*)?$/i.exec(text.trim());
  if (!m) return undefined;
  const nums = [m[1], m[2], m[3]].filter((p): p is string => p !== undefined && /^\d+$/.test(p)).map(Number);
  // 3.12.* stops counting at the wildcard.
  const parts = [m[1], m[2], m[3]].findIndex((p) => p === undefined || !/^\d+$/.test(p));
  const count = parts < 0 ? 3 : parts;
  return { v: [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0], parts: count };
}

function bump(v: Version, parts: number): Version {
  if (parts <= 1) return [v[0] + 1, 0, 0];
  if (parts === 2) return [v[0], v[1] + 1, 0];
  return [v[0], v[1], v[2] + 1];
}

/** The versions a bare prefix covers: "22" → [22, 23), "3.12" → [3.12, 3.13), "1.2.3" → [1.2.3, 1.2.3]. */
function prefix(v: Version, parts: number): Interval {
  return parts >= 3 ? { lo: v, loInc: true, hi: v, hiInc: true } : { lo: v, loInc: true, hi: bump(v, parts), hiInc: false };
}

function comparator(op: string, text: string): Interval | null | undefined {
  const parsed = parseVersion(text);
  if (!parsed) return undefined;
  const { v, parts } = parsed;
  switch (op) {
    case "":
    case "=":
    case "==":
    case "v":
      return prefix(v, parts);
    case ">=":
      return { lo: v, loInc: true, hiInc: false };
    case ">":
      return parts >= 3 ? { lo: v, loInc: false, hiInc: false } : { lo: bump(v, parts), loInc: true, hiInc: false };
    case "<":
      return { lo: ZERO, loInc: true, hi: v, hiInc: false };
    case "<=":
      return parts >= 3 ? { lo: ZERO, loInc: true, hi: v, hiInc: true } : { lo: ZERO, loInc: true, hi: bump(v, parts), hiInc: false };
    case "^": {
      const hi: Version = v[0] > 0 || parts === 1 ? [v[0] + 1, 0, 0] : v[1] > 0 || parts === 2 ? [0, v[1] + 1, 0] : [0, 0, v[2] + 1];
      return { lo: v, loInc: true, hi, hiInc: false };
    }
    case "~":
      return { lo: v, loInc: true, hi: parts <= 1 ? [v[0] + 1, 0, 0] : [v[0], v[1] + 1, 0], hiInc: false };
    case "~>":
    case "~=":
      // Pessimistic: the last named part may grow, the one before it may not.
      return { lo: v, loInc: true, hi: parts <= 1 ? undefined : bump(v, parts - 1), hiInc: false };
    case "!=":
      return null;
  }
  return undefined;
}

function intersect(a: Interval, b: Interval): Interval | undefined {
  const loCmp = compare(a.lo, b.lo);
  const lo = loCmp >= 0 ? a.lo : b.lo;
  const loInc = loCmp > 0 ? a.loInc : loCmp < 0 ? b.loInc : a.loInc && b.loInc;
  let hi: Version | undefined;
  let hiInc = false;
  if (a.hi === undefined) [hi, hiInc] = [b.hi, b.hiInc];
  else if (b.hi === undefined) [hi, hiInc] = [a.hi, a.hiInc];
  else {
    const c = compare(a.hi, b.hi);
    hi = c <= 0 ? a.hi : b.hi;
    hiInc = c < 0 ? a.hiInc : c > 0 ? b.hiInc : a.hiInc && b.hiInc;
  }
  if (hi !== undefined) {
    const c = compare(lo, hi);
    if (c > 0 || (c === 0 && !(loInc && hiInc))) return undefined;
  }
  return { lo, loInc, ...(hi === undefined ? {} : { hi }), hiInc };
}

/**
 * Parse a constraint. Words that are not versions ("lts", "latest", "stable", "*", "") mean "any"; the
 * caller decides what "any" prefers. Returns undefined when the text cannot be read at all.
 */
export function parseRange(text: string): Range | undefined {
  const trimmed = text.trim();
  if (/^(|\*|x|any|lts|latest|stable|current|node|system)$/i.test(trimmed)) return { any: [ALL], text };
  const any: Interval[] = [];
  let exact: Version | undefined;
  for (const alt of trimmed.split(/\|\|?/)) {
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(alt);
    const tokens = hyphen
      ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`]
      : alt.replace(/(>=|<=|~>|~=|==|!=|[<>=^~])\s+/g, "$1").split(/[\s,]+/).filter(Boolean);
    let interval: Interval | undefined = ALL;
    for (const token of tokens) {
      const m = /^(>=|<=|~>|~=|==|!=|[<>=^~]|)(.*)$/.exec(token)!;
      const c = comparator(m[1]!, m[2]!);
      if (c === undefined) return undefined;
      if (c === null || interval === undefined) continue;
      interval = intersect(interval, c);
      if (tokens.length === 1 && (m[1] === "" || m[1] === "=" || m[1] === "==") && parseVersion(m[2]!)!.parts >= 3) exact = parseVersion(m[2]!)!.v;
    }
    if (interval) any.push(interval);
  }
  return { any, text, ...(exact ? { exact } : {}) };
}

/** Does any version of the range fall inside the interval? */
export function overlaps(range: Range, interval: Interval): boolean {
  return range.any.some((i) => intersect(i, interval) !== undefined);
}

export function rangesCompatible(a: Range, b: Range): boolean {
  return a.any.some((x) => b.any.some((y) => intersect(x, y) !== undefined));
}

export function contains(range: Range, v: Version): boolean {
  return overlaps(range, { lo: v, loInc: true, hi: v, hiInc: true });
}

/** The interval of a release line such as "22" (22.x) or "3.12" (3.12.x). */
export function lineInterval(line: string): Interval {
  const p = parseVersion(line)!;
  return prefix(p.v, p.parts);
}

export function formatVersion(v: Version, parts = 3): string {
  return v.slice(0, parts).join(".");
}
