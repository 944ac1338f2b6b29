import type { CommandDefinition } from "./_define.ts";
import doctor from "./defs/doctor.ts";
import eject from "./defs/eject.ts";
import init from "./defs/init.ts";
import plan from "./defs/plan.ts";
import report from "./defs/report.ts";
import status from "./defs/status.ts";
import sync from "./defs/sync.ts";

/** Every command of `paved`, in the order `--help` lists them. One line per command keeps merges trivial. */
export const commands: CommandDefinition[] = [
  doctor,
  init,
  status,
  plan,
  report,
  sync,
  eject,
];
