import type { CommandDefinition } from "./_define.ts";
import doctor from "./defs/doctor.ts";
import hostAdd from "./defs/host-add.ts";
import teamAdd from "./defs/team-add.ts";
import teamRemove from "./defs/team-remove.ts";

/** Every command of `paved`, in the order `--help` lists them. One line per command keeps merges trivial. */
export const commands: CommandDefinition[] = [
  doctor,
  hostAdd,
  teamAdd,
  teamRemove,
];
