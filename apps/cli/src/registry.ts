import type { CommandDefinition } from "./_define.ts";
import doctor from "./defs/doctor.ts";
import ciInit from "./defs/ci-init.ts";
import runnerAdd from "./defs/runner-add.ts";

/** Every command of `paved`, in the order `--help` lists them. One line per command keeps merges trivial. */
export const commands: CommandDefinition[] = [
  doctor,
  ciInit,
  runnerAdd,
];
