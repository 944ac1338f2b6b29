import { Option } from "commander";
import { defineCommand } from "../_define.ts";
import { ROLLOUT_EXIT_CODES, selectionFlags } from "./_rollout-flags.ts";

export default defineCommand({
  name: "rollout apply",
  summary: "Deploy the fleet in waves: guarded activation, health checks, automatic rollback, a journal",
  examples: [
    "paved rollout apply",
    "paved rollout apply --waves 1,25%,rest --concurrency 10 --failure-budget 2",
    "paved rollout apply --role staging --bake 5m",
    "paved rollout apply --host web-1 --mode boot",
    "paved rollout apply --json 2>events.jsonl",
  ],
  configure: (command) =>
    selectionFlags(command)
      .option("--waves <sizes>", 'wave sizes, e.g. "1,25%,rest" (default: rollout.waves in paved.yaml)')
      .option("--concurrency <n>", "hosts switched at once within a wave")
      .option("--failure-budget <n>", "failed hosts tolerated (a number or a percentage) before the rollout stops and rolls the wave back")
      .option("--bake <duration>", "wait after each wave, then re-check health (e.g. 5m)")
      .option("--pause", "stop after each wave until `paved rollout resume`")
      .addOption(new Option("--mode <mode>", "switch: activate now; boot: at next reboot; test: activate without changing the boot default").choices(["switch", "boot", "test"]))
      .option("--build-host <host>", "build on [user@]host[:port] instead of here")
      .option("--substitute-on-destination", "let hosts fetch paths from their binary caches instead of receiving them")
      .option("--health-timeout <duration>", "how long health checks may keep failing")
      .option("--confirm-timeout <duration>", "the on-host guard rolls back unless paved confirms within this time")
      .option("--activation-timeout <duration>", "longest switch-to-configuration may take")
      .option("--override-input <name=flakeref>", "override a flake input, as nixos-rebuild does (repeatable)", (v: string, p: string[] = []) => [...p, v])
      .option("--dry-run", "show the waves and change nothing")
      .addHelpText("after", ROLLOUT_EXIT_CODES),
  load: () => import("../commands/rollout-apply.ts"),
});
