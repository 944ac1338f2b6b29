import { isAbsolute, resolve } from "node:path";
import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import { flakeRefExpected, isFlakeRef } from "./_grammars.ts";

/** The current stable NixOS branch; bump with each NixOS release (May and November). */
export const CURRENT_STABLE_RELEASE = "nixos-26.05";

const release = s
  .string({
    pattern: /^(nixos-[0-9]{2}\.(05|11)|[0-9]{2}\.(05|11)|nixos-unstable|nixpkgs-unstable)$/,
    expected: 'a nixpkgs branch like "nixos-26.05", "26.05" or "nixos-unstable"',
  })
  .describe(
    'The nixpkgs branch to pin: "nixos-YY.MM" (or just "YY.MM"), "nixos-unstable" or "nixpkgs-unstable". Quote it: YAML reads 26.05 unquoted as a number.',
  );

export const nixpkgsSchema = s
  .object({
    release: release.default(CURRENT_STABLE_RELEASE),
    url: s
      .string({ minLength: 1, expected: "a flake reference such as github:NixOS/nixpkgs/nixos-26.05" })
      .refine(isFlakeRef, flakeRefExpected)
      .optional()
      .describe(
        "A flake reference for nixpkgs (a mirror, a fork); replaces the default github:NixOS/nixpkgs/<release>.",
      ),
    path: s
      .string({ minLength: 1, expected: "a directory path" })
      .optional()
      .describe("A local nixpkgs checkout or mirror, for air-gapped teams (absolute, or relative to paved.yaml)."),
  })
  .refineWith((value, report) => {
    if (value.url !== undefined && value.path !== undefined)
      report(["path"], "either url or path, not both", JSON.stringify(value.path));
  })
  .default({})
  .describe("Which nixpkgs the generated flakes pin.");

export type NixpkgsConfig = Infer<typeof nixpkgsSchema>;

/** "26.05" → "nixos-26.05"; branch names pass through. */
export function nixpkgsBranch(releaseName: string): string {
  return /^[0-9]{2}\.[0-9]{2}$/.test(releaseName) ? `nixos-${releaseName}` : releaseName;
}

/** The flake reference for the nixpkgs input; `baseDir` resolves a relative `path`. */
export function nixpkgsFlakeRef(config: NixpkgsConfig, baseDir: string): string {
  if (config.path !== undefined) return `path:${isAbsolute(config.path) ? config.path : resolve(baseDir, config.path)}`;
  return config.url ?? `github:NixOS/nixpkgs/${nixpkgsBranch(config.release)}`;
}
