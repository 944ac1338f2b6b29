import { environmentError, PavedError } from "@paved/core/errors";

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.argv.includes("--no-color")) return false;
  if (process.env.FORCE_COLOR) return true;
  return stream.isTTY === true;
}

export function paint(enabled: boolean) {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Any thrown value as a PavedError; unknown errors are bugs and say so. */
export function asPavedError(error: unknown): PavedError {
  if (error instanceof PavedError) return error;
  // A full disk or a read-only file is the machine's fault, not a bug in paved.
  const environment = environmentError(error);
  if (environment) return environment;
  const message = error instanceof Error ? error.message : String(error);
  return new PavedError("E_INTERNAL", `Unexpected error: ${message}`, {
    hint: "This is a bug in paved. Run again with --verbose and report the output.",
    cause: error,
  });
}

export function formatError(error: PavedError, options: { color: boolean; verbose: boolean }): string {
  const c = paint(options.color);
  const lines = [`${c.red(c.bold("error"))} ${c.dim(`[${error.code}]`)} ${error.message}`];
  if (error.hint) lines.push(`${c.yellow("hint:")} ${error.hint}`);
  const stderrTail = error.details.stderrTail;
  if (options.verbose && typeof stderrTail === "string" && stderrTail) lines.push(c.dim(stderrTail));
  if (options.verbose && error.details.command)
    lines.push(c.dim(`command: ${(error.details.command as string[]).join(" ")}`));
  if (options.verbose && (error.cause instanceof Error || error.code === "E_INTERNAL")) {
    lines.push(c.dim(String((error.cause as Error | undefined)?.stack ?? error.stack)));
  }
  return lines.join("\n");
}
