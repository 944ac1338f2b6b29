/**
 * Commands work from any subdirectory, as git's do: the repository paved manages is the nearest directory upwards
 * with a paved.yaml, looking no further than the git repository's top (a paved.yaml in $HOME is not this
 * repository's). Outside any such directory the working directory is used as is, so "no paved.yaml" names it.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function findConfigRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "paved.yaml"))) return dir;
    if (existsSync(join(dir, ".git"))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Commands that resolve their directory themselves: the shell picks the sub-project's shell from where you are. */
export const OWN_DIRECTORY = new Set(["init", "shell", "direnv-export"]);
