import type { GeneratedFile, PavedConfig } from "@paved/core";
import { renderEnvrcFallback } from "./_envrc_fallback.ts";
import { renderFlake } from "./_flake.ts";

export const FLAKE_FILE = "flake.nix";
export const ENVRC_FILE = ".envrc";

/**
 * The files step 2 owns in an application repository, rendered from paved.yaml: what `paved init`,
 * `paved sync` and `paved status` compare against the disk.
 */
export function renderDevshellFiles(_root: string, config: PavedConfig): GeneratedFile[] {
  const flake = renderFlake(config);
  return [
    { path: FLAKE_FILE, content: flake.text, source: "paved.yaml" },
    { path: ENVRC_FILE, content: renderEnvrcFallback(), source: "paved.yaml" },
  ];
}
