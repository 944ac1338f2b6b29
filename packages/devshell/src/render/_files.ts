import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { parseHeader, type GeneratedFile, type PavedConfig } from "@paved/core";
import { renderEnvrc } from "../direnv/index.ts";
import { orderedShells, renderFlake } from "./_flake.ts";

export const FLAKE_FILE = "flake.nix";
export const ENVRC_FILE = ".envrc";
/** Where paved keeps its shells in a repository whose root flake.nix belongs to the team (see docs/step-2-devshells.md). */
export const ADOPTED_FLAKE_DIR = "nix/paved";

/**
 * "" when paved owns the root flake.nix (or there is none yet); ADOPTED_FLAKE_DIR when the root flake.nix is the
 * team's own (no paved header). Decided from the disk on every run, so init, sync and status agree without a
 * setting: paved never rewrites a flake it did not write, and the team's outputs stay exactly as they are.
 */
export function pavedFlakeDir(root: string): string {
  let text: string;
  try {
    text = readFileSync(join(root, FLAKE_FILE), "utf8");
  } catch {
    return "";
  }
  return parseHeader(text) === undefined ? ADOPTED_FLAKE_DIR : "";
}

function up(dir: string): string {
  return dir
    .split("/")
    .filter(Boolean)
    .map(() => "..")
    .join("/");
}

/**
 * The files step 2 owns in an application repository, rendered from paved.yaml: what `paved init`,
 * `paved sync` and `paved status` compare against the disk. Besides the root `.envrc`, every sub-project
 * shell gets one in its directory, so direnv loads `.#api` on `cd services/api` (direnv only reads the
 * nearest `.envrc`). In a repository with its own flake.nix, paved's flake is a subflake in nix/paved and
 * every `.envrc` points there.
 */
export function renderDevshellFiles(root: string, config: PavedConfig): GeneratedFile[] {
  const flakeDir = pavedFlakeDir(root);
  const adopted = flakeDir !== "";
  const flake = renderFlake(
    config,
    adopted
      ? {
          description:
            "paved's development shells for this repository (edit paved.yaml, then run `paved sync`); the repository's own flake.nix is not touched",
        }
      : {},
  );
  const envrcFor = (dir: string, shell?: string) => {
    const back = up(dir);
    const toFlake = adopted ? (back ? `${back}/${flakeDir}` : flakeDir) : back || ".";
    return renderEnvrc({
      ...(shell ? { shell } : {}),
      flakeDir: toFlake,
      ...(adopted ? { watch: [back ? `${back}/paved.yaml` : "paved.yaml"] } : {}),
    });
  };
  const files: GeneratedFile[] = [
    { path: adopted ? posix.join(flakeDir, FLAKE_FILE) : FLAKE_FILE, content: flake.text, source: "paved.yaml" },
    { path: ENVRC_FILE, content: envrcFor(""), source: "paved.yaml" },
  ];
  for (const [name, shell] of orderedShells(config)) {
    if (shell.dir === undefined || shell.dir === "" || shell.dir === ".") continue;
    // A shell kept in paved.yaml for a directory that is gone gets no .envrc: writing one would re-create it.
    if (!existsSync(join(root, shell.dir))) continue;
    files.push({ path: `${shell.dir}/${ENVRC_FILE}`, content: envrcFor(shell.dir, name), source: "paved.yaml" });
  }
  return files;
}
