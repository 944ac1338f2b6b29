// direnv integration: the `.envrc` text and what `paved direnv-export` prints. Re-exports only.
export { renderEnvrc, stampKey, type EnvrcOptions } from "./_envrc.ts";
export { direnvExport, type DirenvExport } from "./_export.ts";
