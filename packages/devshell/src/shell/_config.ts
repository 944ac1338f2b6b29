/** Cold path only: reads paved.yaml (the YAML parser and schema load here, never on a warm entry). */
import { loadConfig } from "@paved/core";

export interface ShellConfigFacts {
  /** [dir, shell name] for every shell bound to a sub-project directory. */
  dirs: [string, string][];
  nixpkgsPath?: string;
}

export async function readShellConfig(root: string): Promise<ShellConfigFacts> {
  const { config } = await loadConfig(root);
  const dirs: [string, string][] = [];
  for (const [name, shell] of Object.entries(config.shells ?? {})) if (shell.dir) dirs.push([shell.dir, name]);
  return { dirs, nixpkgsPath: config.nixpkgs?.path };
}
