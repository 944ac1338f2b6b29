/**
 * Evaluating paved's NixOS modules with the real `nix eval`: a NixOS system is built from a nixpkgs flake
 * (`lib.nixosSystem`, so its module system checks every option name and type) and the modules in ../nix.
 * Used by the options reference generator and by tests against the fixture nixpkgs.
 */
import { fileURLToPath } from "node:url";
import { nixJson, parseBuildResults, PavedError, runNix, type NixOptions } from "@paved/core";

/** packages/baseline/nix: the directory the root flake exports as nixosModules. */
export const MODULES_DIR: string = fileURLToPath(new URL("../nix", import.meta.url));

/** A Nix string literal for a plain value (paths, names); refuses what would need more than simple escapes. */
export function nixStringLiteral(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new PavedError("E_INPUT", `cannot put ${JSON.stringify(value)} into a Nix string here`, { hint: "Use printable ASCII only." });
  }
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

export interface EvalNixosOptions extends Pick<NixOptions, "env" | "signal" | "dryRun"> {
  /** Directory of a nixpkgs flake (the real one or the test fixture). */
  nixpkgs: string;
  /**
   * Modules as Nix expressions. In scope: `paved` (the attribute set ../nix/default.nix returns), `lib`
   * (nixpkgs' lib) and `pavedModulesDir` (a path).
   */
  modules: string[];
  /** A Nix function from the evaluated system to what should be printed as JSON, e.g. `s: s.config.users`. */
  select: string;
  system?: string;
}

export function evalNixosExpression(options: EvalNixosOptions): string {
  return [
    "let",
    `  nixpkgs = builtins.getFlake ${nixStringLiteral(`path:${options.nixpkgs}`)};`,
    "  lib = nixpkgs.lib;",
    `  pavedModulesDir = ${nixStringLiteral(MODULES_DIR)};`,
    "  paved = import pavedModulesDir;",
    "  evaluated = lib.nixosSystem {",
    `    system = ${nixStringLiteral(options.system ?? "x86_64-linux")};`,
    `    modules = [\n${options.modules.map((m) => `      (${m})`).join("\n")}\n    ];`,
    "  };",
    `in (${options.select}) evaluated`,
  ].join("\n");
}

/** Runs `nix eval --impure --json --expr …` on a NixOS system made of `modules`. */
export function evalNixos<T = unknown>(options: EvalNixosOptions): Promise<T> {
  const args = ["eval", "--impure", "--expr", evalNixosExpression(options)];
  return nixJson<T>(args, { env: options.env, signal: options.signal, dryRun: options.dryRun });
}

/** Builds the derivation `select` returns (`nix build --impure --no-link --json`); its output paths. */
export async function buildNixos(options: EvalNixosOptions): Promise<string[]> {
  const args = ["build", "--impure", "--no-link", "--expr", evalNixosExpression(options)];
  const result = await runNix([...args, "--json"], { env: options.env, signal: options.signal, dryRun: options.dryRun });
  if (options.dryRun) return [];
  return parseBuildResults(result.stdout).flatMap((b) => Object.values(b.outputs));
}
