import { describe, expect, it } from "vitest";
import { parseRange, resolvePin } from "@paved/devshell";
import { contains, lineRange, lowestVersion, overlaps, rangesCompatible } from "../src/nixpkgs/_range.ts";
import { normaliseNodeVersion } from "../src/detect/_node.ts";

const fits = (range: string, line: string) => overlaps(parseRange(range)!, lineRange(line));

describe("version ranges as the ecosystems write them", () => {
  it("reads npm, PEP 440, Ruby and Terraform constraints", () => {
    expect(fits("^18.18.0 || ^20.9.0 || >=21.1.0", "22")).toBe(true);
    expect(fits("^18.18.0 || ^20.9.0", "22")).toBe(false);
    expect(fits(">=3.9,<3.13", "3.13")).toBe(false);
    expect(fits(">=3.9,<3.13", "3.12")).toBe(true);
    expect(fits("~> 1.9", "1.13")).toBe(true);
    expect(fits("~> 1.9.0", "1.13")).toBe(false);
    expect(fits("~=3.11.2", "3.12")).toBe(false);
    expect(fits("1.2 - 1.4", "1.4")).toBe(true);
    expect(fits("^0.9.1", "0.10")).toBe(false);
    expect(fits(">= 22", "24")).toBe(true);
    expect(fits("<=20", "20")).toBe(true);
    expect(fits("3.12.*", "3.12")).toBe(true);
    expect(fits("22.x", "24")).toBe(false);
    expect(parseRange("22.11.0")!.exact).toEqual([22, 11, 0]);
    expect(parseRange("not a version")).toBeUndefined();
  });

  it("normalises .nvmrc spellings", () => {
    expect(["v22.11.0", "lts/jod", "lts/*", "node", "lts/hydrogen"].map(normaliseNodeVersion)).toEqual([
      "22.11.0",
      "22",
      "lts",
      "latest",
      "18",
    ]);
    // Node 26 became LTS on 2026-10-28: lts/* means 26.x now (25.11 has no 26, so 24 there).
    expect(resolvePin("node", "lts", "nixos-26.05").attr).toBe("nodejs_26");
    expect(resolvePin("node", "lts", "nixos-25.11").attr).toBe("nodejs_24");
    expect(resolvePin("node", "latest", "nixos-26.05").attr).toBe("nodejs_26");
  });

  it("an unknown release falls back to the nearest table and says so", () => {
    const r = resolvePin("go", "1.25", "nixos-27.05");
    expect(r.attr).toBe("go_1_25");
    expect(r.reason).toContain("paved has no table for nixos-27.05");
  });
});

describe("each dialect through its library (semver, @renovatebot/pep440) and thin adapters", () => {
  const lowest = (range: string) => lowestVersion(parseRange(range)!);

  it("PEP 440: ~=, ==…*, !=, commas, and what it refuses", () => {
    expect(fits("~=3.11", "3.13")).toBe(true); // ~=3.11 is >=3.11, ==3.*
    expect(fits("~=3.11", "4.0")).toBe(false);
    expect(fits("==3.12.*", "3.12")).toBe(true);
    expect(fits("==3.12.*", "3.13")).toBe(false);
    expect(fits(">=3.10, !=3.11.*, <3.13", "3.12")).toBe(true);
    expect(fits("===3.12.1", "3.12")).toBe(true);
    expect(lowest(">=3.9.2,<3.13")).toEqual([3, 9, 2]);
    expect(parseRange("~=3")).toBeUndefined(); // PEP 440: ~= needs two release parts
  });

  it("Ruby's ~> with a second requirement, and Composer's | and ,", () => {
    expect(fits("~> 3.2.0, >= 3.2.2", "3.2")).toBe(true);
    expect(fits("~> 3.2.0, >= 3.2.2", "3.3")).toBe(false);
    expect(fits("~> 3", "4")).toBe(true); // ~> 3 only bounds below
    expect(fits("^7.4|^8.0", "8.3")).toBe(true);
    expect(fits(">=7.4,<8.1", "8.1")).toBe(false);
    expect(fits(">=7.4 <8.1 || ^8.3", "8.2")).toBe(false);
    expect(fits(">=7.4 <8.1 || ^8.3", "8.4")).toBe(true);
  });

  it("npm: caret on 0.x, hyphen ranges, prereleases and four-part versions", () => {
    expect(fits("^0.9.1", "0.9")).toBe(true);
    expect(fits("1.2 - 1.4", "1.5")).toBe(false);
    expect(contains(parseRange(">=22.0.0-rc.1")!, [22, 0, 0])).toBe(true);
    expect(fits(">=8.0.100.1", "8")).toBe(true);
    expect(parseRange("1.2.3.4")!.exact).toEqual([1, 2, 3]);
  });

  it("a range nothing satisfies fits no line and has no lowest version", () => {
    expect(fits(">=3 <2", "2")).toBe(false);
    expect(fits(">=3 <2", "3")).toBe(false);
    expect(lowest(">=3 <2")).toBeUndefined();
    expect(rangesCompatible(parseRange(">=20")!, parseRange("<18")!)).toBe(false);
    expect(rangesCompatible(parseRange("^20.9")!, parseRange(">=20.10 <21")!)).toBe(true);
  });
});
