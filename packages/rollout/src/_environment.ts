/** File-system faults under the journal, turned into paved errors with their own codes (core's environmentError). */
import { environmentError, PavedError } from "@paved/core";

/** The error for a failed journal operation: an environment code when the machine is at fault, else E_ROLLOUT_JOURNAL_WRITE. */
export function journalFault(path: string, error: unknown): PavedError {
  if (error instanceof PavedError) return error;
  const env = environmentError(error, path);
  if (env) {
    return new PavedError(env.code, `Cannot write the rollout journal: ${env.message}`, {
      hint: `${env.hint} Hosts paved was changing were put back or are left to their guards; \`paved rollout status ID\` shows which.`,
      cause: error,
      details: env.details,
    });
  }
  return new PavedError(
    "E_ROLLOUT_JOURNAL_WRITE",
    `Cannot write the rollout journal ${path}: ${(error as Error).message}`,
    {
      hint: "Check the file and its directory; `paved rollout status ID` shows what the journal holds.",
      cause: error,
    },
  );
}

/** Runs a file operation on the journal, turning file-system faults into paved errors. */
export function environment<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw journalFault(path, error);
  }
}
