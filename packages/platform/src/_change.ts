/**
 * The platform's writing commands: the step packages validate the input and edit paved.yaml; the platform
 * supplies the whole generated set (every step's files) so each change goes through core's transaction with
 * exactly the files `paved sync` would write, and says what a new host still needs before a deploy.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  hardwareFile,
  loadConfig,
  PavedError,
  renderHardwareStarter,
  type GeneratedFile,
  type PavedConfig,
} from "@paved/core";
import * as baseline from "@paved/baseline";
import * as ci from "@paved/ci-runner";
import { refuseEjected } from "./_ejected.ts";
import { isPlatform, renderPlatformFiles, repositoryFiles } from "./_platform-files.ts";
import { hostReadiness, readHardware, type HostReadiness } from "./_readiness.ts";

type Render = (root: string, config: PavedConfig) => Promise<GeneratedFile[]>;

/**
 * Refuses a platform edit (host, runner, roster) in an application repository. Once paved.yaml gains hosts or a
 * team, paved renders the platform flake.nix, which has no place for the repository's dev shells: they would be
 * replaced without a word, and `--force`-free writes do not stop it because flake.nix is still paved's own.
 */
async function refuseInApplicationRepo(dir: string, command: string): Promise<void> {
  const { config } = await loadConfig(dir);
  const application =
    !isPlatform(config) && config.platform.name === undefined && Object.keys(config.shells).length > 0;
  if (application && existsSync(join(dir, "flake.nix"))) {
    throw new PavedError(
      "E_INPUT",
      `${dir} is an application repository (paved.yaml defines dev shells and no platform); \`paved ${command}\` would replace its flake.nix and drop the dev shells`,
      {
        hint: "Run it in the platform repository (--dir PATH), or create one with `paved init --platform` in another directory.",
        details: { dir },
      },
    );
  }
}

/** The platform's files plus a hardware starter for a host that has none yet (header-less: it is the team's). */
function withStarter(name: string): Render {
  return async (root, config) => {
    const files = await renderPlatformFiles(root, config);
    if ((await readHardware(root, name)) === "missing")
      files.push({ path: hardwareFile(name), content: renderHardwareStarter(name), comment: "none" });
    return files;
  };
}

export type PlatformChangeResult = baseline.PlatformChange & { readiness?: HostReadiness };

export async function hostAdd(options: baseline.HostAddOptions): Promise<PlatformChangeResult> {
  await refuseEjected(options.dir, "host add");
  await refuseInApplicationRepo(options.dir, "host add");
  const change = await baseline.hostAdd({ ...options, render: withStarter(options.name) });
  // Before the write the starter is not there yet; on a dry run the readiness reads what would be written.
  return { ...change, readiness: await hostReadiness(options.dir, options.name, change.config) };
}

export async function runnerAdd(
  options: ci.RunnerAddOptions,
): Promise<Omit<ci.RunnerAddResult, "config"> & { readiness: HostReadiness }> {
  await refuseEjected(options.dir, "runner add");
  await refuseInApplicationRepo(options.dir, "runner add");
  // runnerAdd writes the hardware starter itself when the host has none.
  const { config, ...result } = await ci.runnerAdd({ ...options, render: renderPlatformFiles });
  return { ...result, readiness: await hostReadiness(options.dir, options.name, config) };
}

export async function teamAdd(options: baseline.TeamAddOptions): Promise<baseline.PlatformChange> {
  await refuseEjected(options.dir, "team add");
  await refuseInApplicationRepo(options.dir, "team add");
  return baseline.teamAdd({ ...options, render: renderPlatformFiles });
}

export async function teamRemove(options: baseline.TeamRemoveOptions): Promise<baseline.PlatformChange> {
  await refuseEjected(options.dir, "team remove");
  return baseline.teamRemove({ ...options, render: renderPlatformFiles });
}

/** `paved ci init`: in a platform repository the pipeline comes with every other platform file. */
export async function ciInit(options: ci.CiInitOptions): Promise<ci.CiInitResult> {
  await refuseEjected(options.dir, "ci init");
  return ci.ciInit({
    ...options,
    render: async (root, config) =>
      isPlatform(config) ? repositoryFiles(root, config) : ci.renderCiFiles(root, config),
  });
}
