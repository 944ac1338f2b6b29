/**
 * The application repository's writing commands (init, shell add/remove): the dev-shell package does the work once
 * the repository is known not to be ejected. Apart from _change.ts so they load no platform step package.
 */
import * as devshell from "@paved/devshell";
import { refuseEjected } from "./_ejected.ts";

/** `paved init` in an application repository: refused once the repository was ejected. */
export async function initProject(options: devshell.InitOptions): Promise<devshell.InitResult> {
  await refuseEjected(options.dir, "init");
  return devshell.initProject(options);
}

export async function addPackages(options: devshell.EditPackagesOptions): Promise<devshell.EditPackagesResult> {
  await refuseEjected(options.dir, "shell add");
  return devshell.addPackages(options);
}

export async function removePackages(options: devshell.EditPackagesOptions): Promise<devshell.EditPackagesResult> {
  await refuseEjected(options.dir, "shell remove");
  return devshell.removePackages(options);
}
