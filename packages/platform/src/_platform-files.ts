/**
 * Every generated file of a repository, rendered from paved.yaml by the steps that own them (the STEPS table):
 * for a platform repository flake.nix (core, across steps) and each step's platform files; for an application
 * repository the dev shell and the CI pipeline. `paved init --platform`, `paved sync` and every command that edits
 * paved.yaml write exactly this set. Hardware files (hosts/NAME-hardware.nix) are the team's own and never
 * generated.
 */
import { renderPlatformFlake, TEAM_FILE, type GeneratedFile, type PavedConfig } from "@paved/core";
import { STEPS } from "./_steps.ts";

/** A platform repository declares hosts, a roster, rollouts or repositories; an application repository only shells and CI. */
export function isPlatform(config: PavedConfig): boolean {
  return (
    Object.keys(config.hosts).length > 0 ||
    config.team !== undefined ||
    config.rollout !== undefined ||
    config.repos.length > 0
  );
}

export async function renderPlatformFiles(root: string, config: PavedConfig): Promise<GeneratedFile[]> {
  const stepFiles = (await Promise.all(STEPS.map((s) => s.platformFiles(root, config)))).flat();
  const flake = renderPlatformFlake(config, { team: stepFiles.some((f) => f.path === TEAM_FILE) });
  return [flake, ...stepFiles];
}

export function renderApplicationFiles(root: string, config: PavedConfig): GeneratedFile[] {
  // Steps 2 then 1, the order `paved init` and `paved ci init` have always written them in.
  return [2, 1].flatMap((n) => STEPS.find((s) => s.step === n)!.appFiles(root, config));
}

/** The whole generated set of the repository at root. */
export async function repositoryFiles(root: string, config: PavedConfig): Promise<GeneratedFile[]> {
  const files = isPlatform(config) ? await renderPlatformFiles(root, config) : renderApplicationFiles(root, config);
  const seen = new Set<string>();
  // Two renderers claiming one path is a bug; the first wins rather than failing the sync.
  return files.filter((f) => !seen.has(f.path) && seen.add(f.path));
}
