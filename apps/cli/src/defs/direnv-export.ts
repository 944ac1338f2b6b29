import { defineCommand } from "../_define.ts";

/** Used by the `.envrc` paved writes; not meant to be typed, so hidden from --help. */
export default defineCommand({
  name: "direnv-export",
  summary: "Print the cached dev-shell environment as bash for .envrc (used by direnv)",
  configure: (command) => {
    (command as unknown as { _hidden: boolean })._hidden = true;
    return command
      .option("--shell <name>", "devShell name (default: the shell for this directory)")
      .option("--nixpkgs <path>", "local nixpkgs checkout or mirror")
      .option("--stamp-dir <dir>", "the .envrc's directory in paved's cache: stamp, last environment, background state")
      .option("--background", "evaluate and store the result for the next prompt (started by paved itself)");
  },
  load: () => import("../commands/direnv-export.ts"),
});
