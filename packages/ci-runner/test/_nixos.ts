import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isPavedError, nixJson } from "@paved/core";
import { fixtureNixpkgs, type FixtureRelease } from "@paved/fixtures";

export const MODULE_DIR = fileURLToPath(new URL("../nix", import.meta.url));

/**
 * A flake with one nixosConfiguration per scenario, each the ci-runner module (through nix/default.nix, as the
 * root flake exports it) plus the scenario's settings. Scenarios are Nix module text.
 */
export async function scenarioFlake(
  scenarios: Record<string, string>,
  extraFiles: Record<string, string> = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-ci-module-"));
  await cp(MODULE_DIR, join(dir, "nix"), { recursive: true });
  for (const [path, content] of Object.entries(extraFiles)) await writeFile(join(dir, path), content);
  const entries = Object.entries(scenarios)
    .map(([name, module]) => `      ${JSON.stringify(name)} = mk (${module});`)
    .join("\n");
  await writeFile(
    join(dir, "flake.nix"),
    `{
  inputs.nixpkgs.url = "path:/nonexistent";
  outputs = { self, nixpkgs }:
    let
      base = { boot.isContainer = true; networking.hostName = "ci"; system.stateVersion = "26.05"; };
      mk = module: nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ (import ./nix).ci-runner base module ]; };
    in {
      nixosConfigurations = {
${entries}
      };
    };
}
`,
  );
  return dir;
}

export async function evalScenario<T>(
  dir: string,
  attr: string,
  apply?: string,
  release: FixtureRelease = "26.05",
): Promise<T> {
  const args = [
    "eval",
    `path:${dir}#nixosConfigurations.${attr}`,
    "--override-input",
    "nixpkgs",
    `path:${await fixtureNixpkgs({ release })}`,
  ];
  return nixJson<T>(apply ? [...args, "--apply", apply] : args);
}

/** The error text of an evaluation that must fail (its stderr tail included). */
export async function evalError(dir: string, attr: string): Promise<string> {
  try {
    await evalScenario(dir, attr);
  } catch (error) {
    if (!isPavedError(error)) throw error;
    return `${error.message}\n${JSON.stringify(error.details)}`;
  }
  throw new Error(`evaluating ${attr} succeeded, but it had to fail`);
}
