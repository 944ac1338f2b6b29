import type { Command } from "commander";
import type { CommandModule } from "./_context.ts";

/**
 * A command as the CLI registers it at start-up: name, flags and help only. The handler module is imported when
 * the command runs, so `paved --version` and `paved --help` never load step packages.
 */
export interface CommandDefinition {
  /** "doctor", or a group path such as "shell add". */
  name: string;
  summary: string;
  examples?: string[];
  configure?: (command: Command) => Command;
  load: () => Promise<CommandModule>;
}

export function defineCommand(definition: CommandDefinition): CommandDefinition {
  return definition;
}
