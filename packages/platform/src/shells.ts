// `@paved/platform/shells`: the application repository's writing commands alone (paved init, shell add/remove), so
// they load no platform step package. Re-exports only.
export { addPackages, initProject, removePackages } from "./_shell-change.ts";
