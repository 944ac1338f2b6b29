/**
 * What differs between the Nix versions paved supports, in one place: installable syntax, JSON shapes and the
 * layout of error messages. Supported: 2.8 (Debian 12's nix-bin) to current; tested for real on 2.8 and 2.26
 * (Debian 13), and on recordings of both in packages/core/test/nix-recorded/.
 * Everything else in paved asks these functions instead of reading Nix's output itself.
 */
import { PavedError } from "../errors.ts";
import type { NixVersion } from "./_runner.ts";

/** Nix versions the test matrix runs for real; others in the supported range are expected to work. */
export const TESTED_NIX_VERSIONS = ["2.8", "2.26"] as const;

function atLeast(version: Pick<NixVersion, "major" | "minor">, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/**
 * The installable that builds every output of a derivation. Nix 2.13 added `drv^outputs`, and from 2.15 on a
 * bare `.drv` path names the derivation file itself, so `nix build` of it builds nothing and reports no outputs;
 * before 2.13 the bare path is how to say "build it" (`^` is a URL error there).
 */
export function derivationInstallable(drvPath: string, version: Pick<NixVersion, "major" | "minor">): string {
  return atLeast(version, 2, 13) ? `${drvPath}^*` : drvPath;
}

export interface BuiltDerivation {
  drvPath: string;
  outputs: Record<string, string>;
}

function notJson(what: string, text: string, cause?: unknown): PavedError {
  return new PavedError("E_NIX_OUTPUT", `${what} printed something paved cannot read: ${text.slice(0, 200)}`, {
    hint: "Run `paved doctor` to see which Nix this is; paved supports Nix 2.8 and newer.",
    cause,
  });
}

function parse(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw notJson(what, text, cause);
  }
}

/** `nix build --json`: one entry per built derivation (2.8 to current also add timings; opaque paths have no outputs). */
export function parseBuildResults(stdout: string): BuiltDerivation[] {
  const value = parse("nix build --json", stdout);
  if (!Array.isArray(value)) throw notJson("nix build --json", stdout);
  return value
    .filter(
      (entry): entry is BuiltDerivation => typeof entry?.drvPath === "string" && typeof entry?.outputs === "object",
    )
    .map((entry) => ({ drvPath: entry.drvPath, outputs: { ...entry.outputs } }));
}

export interface PathInfo {
  path: string;
  valid: boolean;
  narSize?: number;
  closureSize?: number;
  references?: string[];
  deriver?: string;
}

/**
 * `nix path-info --json`: a list of objects with `path` up to 2.18, an object keyed by store path since 2.19
 * (an invalid path maps to null there, to `valid: false` before).
 */
export function parsePathInfo(stdout: string): PathInfo[] {
  const value = parse("nix path-info --json", stdout);
  const entries: [string, Record<string, unknown> | null][] = Array.isArray(value)
    ? value.map((e: Record<string, unknown>) => [String(e.path), e])
    : value && typeof value === "object"
      ? Object.entries(value as Record<string, Record<string, unknown> | null>)
      : [];
  if (!Array.isArray(value) && (value === null || typeof value !== "object"))
    throw notJson("nix path-info --json", stdout);
  return entries.map(([path, info]) => {
    if (!info || info.valid === false) return { path, valid: false };
    return {
      path,
      valid: true,
      narSize: typeof info.narSize === "number" ? info.narSize : undefined,
      closureSize: typeof info.closureSize === "number" ? info.closureSize : undefined,
      references: Array.isArray(info.references) ? (info.references as string[]) : undefined,
      deriver: typeof info.deriver === "string" ? info.deriver : undefined,
    };
  });
}

export interface NixErrorLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * What Nix itself says went wrong, without the "error:" prefix. Nix 2.8 starts with `error: MESSAGE`; newer Nix
 * starts with a bare `error:` followed by `… while …` trace lines and puts the message on the last indented
 * `error: MESSAGE` line. Warnings (`warning: error: unable to download …`) are not errors.
 */
export function nixErrorMessage(stderr: string): string | undefined {
  const messages = stderr
    .split("\n")
    .map((line) => /^\s*error:\s*(.*)$/.exec(line)?.[1]?.trim())
    .filter((m): m is string => m !== undefined);
  const meaningful = messages.filter((m) => m !== "");
  if (meaningful.length === 0) return undefined;
  // The old layout's first message is the cause; the new layout nests it last under the bare "error:".
  return messages[0] === "" ? meaningful[meaningful.length - 1] : meaningful[0];
}

/**
 * Where the error happened: the `at FILE:LINE:COL:` nearest to the message. Nix 2.8 prints it right after the
 * message; newer Nix prints a trace from the outside in, so the innermost position is the last one.
 */
export function nixErrorLocation(stderr: string): NixErrorLocation | undefined {
  const all = [...stderr.matchAll(/\bat (\/[^\s:]+):(\d+):(\d+):/g)];
  if (all.length === 0) return undefined;
  const bareHead = /^\s*error:\s*$/m.test(stderr.split("\n").find((l) => /^\s*error:/.test(l)) ?? "");
  const match = bareHead ? all[all.length - 1]! : all[0]!;
  return { file: match[1]!, line: Number(match[2]), column: Number(match[3]) };
}

/** Nix's effective settings as JSON: `nix show-config` until 2.19 renamed it `nix config show`. */
export function nixConfigCommand(version: Pick<NixVersion, "major" | "minor">): string[] {
  return atLeast(version, 2, 20) ? ["config", "show", "--json"] : ["show-config", "--json"];
}

/** Setting name → value, from `{ "name": { "value": …, … } }`. */
export function parseNixConfig(stdout: string): Record<string, unknown> {
  const value = parse("nix config show --json", stdout) as Record<string, { value?: unknown }>;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, v && typeof v === "object" && "value" in v ? v.value : v]),
  );
}
