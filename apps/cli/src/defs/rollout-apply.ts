import { choice, defineCommand, flag, lazy, value } from "../_define.ts";
import { overrideInput, ROLLOUT_EXIT_CODES, selectionFlags } from "./_rollout-flags.ts";

export const spec = defineCommand({
  name: "rollout apply",
  summary: "Deploy the fleet in waves: guarded activation, health checks, automatic rollback, a journal",
  examples: [
    "paved rollout apply",
    "paved rollout apply --waves 1,25%,rest --concurrency 10 --failure-budget 2",
    "paved rollout apply --role staging --bake 5m",
    "paved rollout apply --host web-1 --mode boot",
    "paved rollout apply --json 2>events.jsonl",
  ],
  options: {
    ...selectionFlags,
    waves: value("--waves <sizes>", 'wave sizes, e.g. "1,25%,rest" (default: rollout.waves in paved.yaml)'),
    concurrency: value("--concurrency <n>", "hosts switched at once within a wave"),
    failureBudget: value(
      "--failure-budget <n>",
      "failed hosts tolerated (a number or a percentage) before the rollout stops and rolls the wave back",
    ),
    bake: value("--bake <duration>", "wait after each wave, then re-check health (e.g. 5m)"),
    pause: flag("--pause", "stop after each wave until `paved rollout resume`"),
    mode: choice(
      "--mode <mode>",
      ["switch", "boot", "test"],
      "switch: activate now; boot: at next reboot; test: activate without changing the boot default",
    ),
    buildHost: value("--build-host <host>", "build on [user@]host[:port] instead of here", { complete: "host" }),
    substituteOnDestination: flag(
      "--substitute-on-destination",
      "let hosts fetch paths from their binary caches instead of receiving them",
    ),
    healthTimeout: value("--health-timeout <duration>", "how long health checks may keep failing"),
    confirmTimeout: value(
      "--confirm-timeout <duration>",
      "the on-host guard rolls back unless paved confirms within this time",
    ),
    activationTimeout: value("--activation-timeout <duration>", "longest switch-to-configuration may take"),
    overrideInput,
    dryRun: flag("--dry-run", "show the waves and change nothing"),
  },
  helpAfter: ROLLOUT_EXIT_CODES,
});
export default lazy(spec, () => import("../commands/rollout-apply.ts"));
