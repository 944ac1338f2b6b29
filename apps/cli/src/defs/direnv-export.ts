import { defineCommand } from "../_define.ts";

/** Used by the `.envrc` paved writes; not meant to be typed, so hidden from --help. */
export default defineCommand({
  name: "direnv-export",
  summary: "Print the cached dev-shell environment as bash for .envrc (used by direnv)",
  configure: (command) => {
    (command as unknown as { _hidden: boolean })._hidden = true;
    return command
      .option("--shell <name>", "devShell name (default: the shell for this directory)")
      .option("--nixpkgs <path>", "local nixpkgs checkout or mirror");
  },
  load: () => import("../commands/direnv-export.ts"),
});
