import type { CommandDefinition } from "./_define.ts";
import doctor from "./defs/doctor.ts";
import eject from "./defs/eject.ts";
import plan from "./defs/plan.ts";
import report from "./defs/report.ts";
import status from "./defs/status.ts";
import sync from "./defs/sync.ts";
import init from "./defs/init.ts";
import shell from "./defs/shell.ts";
import shellAdd from "./defs/shell-add.ts";
import shellRemove from "./defs/shell-remove.ts";
import gc from "./defs/gc.ts";
import direnvExport from "./defs/direnv-export.ts";
import ciInit from "./defs/ci-init.ts";
import runnerAdd from "./defs/runner-add.ts";
import hostAdd from "./defs/host-add.ts";
import teamAdd from "./defs/team-add.ts";
import teamRemove from "./defs/team-remove.ts";
import imageBuild from "./defs/image-build.ts";
import imageFormats from "./defs/image-formats.ts";
import rolloutPlan from "./defs/rollout-plan.ts";
import rolloutApply from "./defs/rollout-apply.ts";
import rolloutStatus from "./defs/rollout-status.ts";
import rolloutResume from "./defs/rollout-resume.ts";
import rolloutRollback from "./defs/rollout-rollback.ts";
import completion from "./defs/completion.ts";

/** Every command of `paved`, in the order `--help` lists them. One line per command keeps merges trivial. */
export const commands: CommandDefinition[] = [
  // where the team stands, across the five steps
  doctor,
  init,
  status,
  plan,
  report,
  sync,
  eject,
  // step 2: developer shells
  shell, // before "shell add"/"shell remove": the group command itself
  shellAdd,
  shellRemove,
  gc,
  direnvExport,
  // step 1: CI
  ciInit,
  runnerAdd,
  // steps 3 and 4: hosts and the team roster
  hostAdd,
  teamAdd,
  teamRemove,
  // step 5: images and rollouts
  imageBuild,
  imageFormats,
  rolloutPlan,
  rolloutApply,
  rolloutStatus,
  rolloutResume,
  rolloutRollback,
  // the command line itself
  completion,
  // `__complete` (what the completion scripts call) answers from this list, so _program.ts adds it: listed here it
  // would import itself.
];
