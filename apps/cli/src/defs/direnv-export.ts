import { defineCommand, flag, lazy, value } from "../_define.ts";

/** Used by the `.envrc` paved writes; not meant to be typed, so hidden from --help. */
export const spec = defineCommand({
  name: "direnv-export",
  summary: "Print the cached dev-shell environment as bash for .envrc (used by direnv)",
  hidden: true,
  // direnv runs it at the prompt: Ctrl-C there is for the evaluation it waits on, not for paved.
  foreground: true,
  options: {
    shell: value("--shell <name>", "devShell name (default: the shell for this directory)", { complete: "shell" }),
    nixpkgs: value("--nixpkgs <path>", "local nixpkgs checkout or mirror", { complete: "dir" }),
    stampDir: value(
      "--stamp-dir <dir>",
      "the .envrc's directory in paved's cache: stamp, last environment, background state",
      { complete: "dir" },
    ),
    background: flag("--background", "evaluate and store the result for the next prompt (started by paved itself)"),
  },
});
export default lazy(spec, () => import("../commands/direnv-export.ts"));
