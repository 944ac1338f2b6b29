import { describe, expect, it } from "vitest";
import { parseRange, resolvePin } from "@paved/devshell";
import { lineInterval, overlaps } from "../src/nixpkgs/_range.ts";
import { normaliseNodeVersion } from "../src/detect/_node.ts";

const fits = (range: string, line: string) => overlaps(parseRange(range)!, lineInterval(line));

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
    expect(["v22.11.0", "lts/jod", "lts/*", "node", "lts/hydrogen"].map(normaliseNodeVersion)).toEqual(["22.11.0", "22", "lts", "latest", "18"]);
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
