import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, PavedError } from "@paved/core";
import { isPlatform } from "../platform/sync.ts";

/**
 * Refuses a platform edit (host, runner, roster) in an application repository. Once paved.yaml gains hosts or a
 * team, `paved` renders the platform flake.nix, which has no place for the repository's dev shells: they would be
 * replaced without a word, and `--force`-free writes do not stop it because flake.nix is still paved's own.
 */
export async function refuseInApplicationRepo(dir: string, command: string): Promise<void> {
  const { config } = await loadConfig(dir);
  const application = !isPlatform(config) && config.platform.name === undefined && Object.keys(config.shells).length > 0;
  if (application && existsSync(join(dir, "flake.nix"))) {
    throw new PavedError("E_INPUT", `${dir} is an application repository (paved.yaml defines dev shells and no platform); \`paved ${command}\` would replace its flake.nix and drop the dev shells`, {
      hint: "Run it in the platform repository (--dir PATH), or create one with `paved init --platform` in another directory.",
      details: { dir },
    });
  }
}
