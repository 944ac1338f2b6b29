import type { Command } from "commander";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** --host/--role/--tag, each repeatable or comma-separated; a host must match all given kinds. */
export function selectionFlags(command: Command): Command {
  return command
    .option("--host <name>", "only this host (repeatable, or a,b,c)", collect)
    .option("--role <role>", "only hosts with this role (repeatable)", collect)
    .option("--tag <tag>", "only hosts with this tag (repeatable)", collect);
}
