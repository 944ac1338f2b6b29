/**
 * Stand-in for the direnv module's renderEnvrc (packages/devshell/src/direnv/, another branch): until that
 * lands, `.envrc` is direnv's own `use flake`, watching paved.yaml so edits reload. Replace the import in
 * _files.ts with renderEnvrc once it is on main.
 */
export function renderEnvrcFallback(): string {
  return ["watch_file paved.yaml flake.nix flake.lock", "use flake", ""].join("\n");
}
