/**
 * The mark `paved eject` leaves (.paved/ejected), read by every writing command before it writes. Apart from the
 * eject itself, so a command that only needs the check (`paved init`) loads nothing of the platform's.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PavedError } from "@paved/core";

export const EJECTED_FILE = ".paved/ejected";

export interface EjectedMark {
  at: string;
  files: string[];
}

export async function readEjected(dir: string): Promise<EjectedMark | undefined> {
  const text = await readFile(join(dir, EJECTED_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const at = /^ejected-at: (\S+)$/m.exec(text)?.[1] ?? "unknown";
  const files = [...text.matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]!);
  return { at, files };
}

/** Stops a writing command in an ejected repository: the generated files are the team's now. */
export async function refuseEjected(dir: string, command: string): Promise<void> {
  const ejected = await readEjected(dir);
  if (ejected) {
    throw new PavedError(
      "E_EJECTED",
      `this repository was ejected from paved: \`paved ${command}\` would write generated files the team now owns`,
      {
        hint: "Edit paved.yaml and the files by hand, or delete .paved/ejected to let paved manage the repository again.",
      },
    );
  }
}
