import type { GeneratedFile, PavedConfig } from "@paved/core";
import { renderEnvrc } from "../direnv/index.ts";
import { orderedShells, renderFlake } from "./_flake.ts";

export const FLAKE_FILE = "flake.nix";
export const ENVRC_FILE = ".envrc";

/**
 * The files step 2 owns in an application repository, rendered from paved.yaml: what `paved init`,
 * `paved sync` and `paved status` compare against the disk. Besides the root `.envrc`, every sub-project
 * shell gets one in its directory, so direnv loads `.#api` on `cd services/api` (direnv only reads the
 * nearest `.envrc`).
 */
export function renderDevshellFiles(_root: string, config: PavedConfig): GeneratedFile[] {
  const flake = renderFlake(config);
  const files: GeneratedFile[] = [
    { path: FLAKE_FILE, content: flake.text, source: "paved.yaml" },
    { path: ENVRC_FILE, content: renderEnvrc(), source: "paved.yaml" },
  ];
  for (const [name, shell] of orderedShells(config)) {
    if (shell.dir === undefined || shell.dir === "" || shell.dir === ".") continue;
    const up = shell.dir.split("/").filter(Boolean).map(() => "..").join("/");
    files.push({ path: `${shell.dir}/${ENVRC_FILE}`, content: renderEnvrc({ shell: name, flakeDir: up }), source: "paved.yaml" });
  }
  return files;
}
