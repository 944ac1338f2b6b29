import type { Command } from "commander";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** --host/--role/--tag, each repeatable or comma-separated; a host must match all given kinds. */
export function selectionFlags(command: Command): Command {
  return command
    .option("--host <name>", "only this host (repeatable, or a,b,c)", collect)
    .option("--role <role>", "only hosts with this role (repeatable)", collect)
    .option("--tag <tag>", "only hosts with this tag (repeatable)", collect);
}

/** docs/cli.md lists the same codes. */
export const ROLLOUT_EXIT_CODES = `
Exit codes: 0 succeeded (or paused), 6 succeeded with failures within the budget, 1 failed, 75 incomplete
(unreachable hosts journaled uncertain: resume once they answer), 130/143 stopped by SIGINT/SIGTERM (it prints
the exact \`paved rollout resume ID\`).
`;
