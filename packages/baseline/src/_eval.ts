/**
 * Evaluating paved's NixOS modules with the real `nix eval`: a NixOS system is built from a nixpkgs flake
 * (`lib.nixosSystem`, so its module system checks every option name and type) and the modules in ../nix.
 * Used by the options reference generator and by tests against the fixture nixpkgs.
 */
import { fileURLToPath } from "node:url";
import {
  attrs,
  call,
  filePath,
  id,
  letIn,
  list,
  nixJson,
  parseBuildResults,
  renderNix,
  runNix,
  type NixExpr,
  type NixOptions,
} from "@paved/core";

/** packages/baseline/nix: the directory the root flake exports as nixosModules. */
export const MODULES_DIR: string = fileURLToPath(new URL("../nix", import.meta.url));

export interface EvalNixosOptions extends Pick<NixOptions, "env" | "signal" | "dryRun"> {
  /** Directory of a nixpkgs flake (the real one or the test fixture). */
  nixpkgs: string;
  /**
   * Modules as Nix expressions. In scope: `paved` (the attribute set ../nix/default.nix returns), `lib`
   * (nixpkgs' lib) and `pavedModulesDir` (a path).
   */
  modules: readonly NixExpr[];
  /** A Nix function from the evaluated system to what should be printed as JSON, e.g. `s: s.config.users`. */
  select: NixExpr;
  system?: string;
}

export function evalNixosExpression(options: EvalNixosOptions): string {
  const expr = letIn(
    [
      ["nixpkgs", call(id("builtins.getFlake"), `path:${options.nixpkgs}`)],
      ["lib", id("nixpkgs.lib")],
      ["pavedModulesDir", filePath(MODULES_DIR)],
      ["paved", call(id("import"), id("pavedModulesDir"))],
      [
        "evaluated",
        call(
          id("lib.nixosSystem"),
          attrs({ system: options.system ?? "x86_64-linux", modules: list(options.modules) }),
        ),
      ],
    ],
    call(options.select, id("evaluated")),
  );
  return renderNix(expr);
}

/** Runs `nix eval --impure --json --expr …` on a NixOS system made of `modules`. */
export function evalNixos<T = unknown>(options: EvalNixosOptions): Promise<T> {
  const args = ["eval", "--impure", "--expr", evalNixosExpression(options)];
  return nixJson<T>(args, { env: options.env, signal: options.signal, dryRun: options.dryRun });
}

/** Builds the derivation `select` returns (`nix build --impure --no-link --json`); its output paths. */
export async function buildNixos(options: EvalNixosOptions): Promise<string[]> {
  const args = ["build", "--impure", "--no-link", "--expr", evalNixosExpression(options)];
  const result = await runNix([...args, "--json"], {
    env: options.env,
    signal: options.signal,
    dryRun: options.dryRun,
  });
  if (options.dryRun) return [];
  return parseBuildResults(result.stdout).flatMap((b) => Object.values(b.outputs));
}
