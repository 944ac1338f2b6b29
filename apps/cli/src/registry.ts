import type { CommandDefinition } from "./_define.ts";
import doctor from "./defs/doctor.ts";
import plan from "./defs/plan.ts";
import status from "./defs/status.ts";

/** Every command of `paved`, in the order `--help` lists them. One line per command keeps merges trivial. */
export const commands: CommandDefinition[] = [
  doctor,
  status,
  plan,
];
