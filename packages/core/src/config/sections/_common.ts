/** Small value types more than one section uses. Sections stay self-contained apart from these. */
import { cidrProblem } from "./_grammars.ts";
import { s } from "../_schema_compound.ts";

/** The roles a host can have (issue 5 for bastion/staging/internal, issue 4 for ci-runner, issue 19 for cache). */
export const ROLES = ["bastion", "staging", "internal", "ci-runner", "cache"] as const;
export type Role = (typeof ROLES)[number];

/** NixOS hosts are Linux; dev shells may also target macOS (see systems.ts). */
export const LINUX_SYSTEMS = ["x86_64-linux", "aarch64-linux"] as const;

export const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const hostNameExpected = "a host name: lower-case letters, digits and - (at most 63, no - at either end)";
export const hostName = s.string({ pattern: HOST_NAME, expected: hostNameExpected });

export const tag = s.string({ pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, expected: "a tag: letters, digits, _ . -" });

/** A nixpkgs attribute path such as `nodejs_22` or `python313Packages.pytest`. */
export const attrPath = s.string({
  pattern: /^[A-Za-z_][A-Za-z0-9_'-]*(\.[A-Za-z_][A-Za-z0-9_'-]*)*$/,
  expected: "a nixpkgs attribute name like nodejs_22 or python313Packages.pytest",
});

export const duration = s.string({ pattern: /^\d+(s|m|h)$/, expected: 'a duration like "30s", "5m" or "1h"' });

export function durationSeconds(value: string): number {
  const n = Number.parseInt(value, 10);
  return value.endsWith("h") ? n * 3600 : value.endsWith("m") ? n * 60 : n;
}

export const percent = s.string({
  pattern: /^(100|[1-9][0-9]?)%$/,
  expected: 'a percentage from 1% to 100% like "25%"',
});

export { isCidr } from "./_grammars.ts";

const cidrExpected = "a network in CIDR notation like 10.0.0.0/8 or 2001:db8::/32 (host bits zero)";
export const cidr = s.string({ minLength: 1, expected: cidrExpected }).refineWith((value, report) => {
  const problem = cidrProblem(value);
  if (problem)
    report(
      [],
      cidrExpected,
      JSON.stringify(value),
      problem.suggestion ? { suggestion: problem.suggestion } : undefined,
    );
});

/** Which of paved's NixOS modules a host imports; unset fields fall back to its role's defaults. */
export const moduleToggles = s.object({
  baseline: s.boolean().optional().describe("Security baseline (sshd, firewall, sudo, journald, GC)."),
  logging: s.boolean().optional().describe("Ship the journal to a collector."),
  monitoring: s.boolean().optional().describe("Prometheus node exporter."),
});
