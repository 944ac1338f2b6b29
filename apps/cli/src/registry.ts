import type { CommandDefinition } from "./_define.ts";
import doctor from "./defs/doctor.ts";
import shell from "./defs/shell.ts";
import gc from "./defs/gc.ts";
import direnvExport from "./defs/direnv-export.ts";

/** Every command of `paved`, in the order `--help` lists them. One line per command keeps merges trivial. */
export const commands: CommandDefinition[] = [
  doctor,
  shell, // before "shell add"/"shell remove": the group command itself
  gc,
  direnvExport,
];
