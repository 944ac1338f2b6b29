/**
 * `paved eject`: the team takes the generated files over. Each file loses its paved header and every line that
 * tells a person to run paved (a flake's "edit paved.yaml, then run `paved sync`", the `.envrc` path through
 * `paved direnv-export`); .paved/ejected records the decision so status reports the repository as ejected and
 * sync leaves it alone. All of it is one transaction.
 */
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { commitChange, parseHeader, type GeneratedFile } from "@paved/core";
import { EJECTED_FILE } from "./_ejected.ts";
import { managedFiles } from "./_scan.ts";

export interface EjectOutcome {
  ejected: string[];
  /** Files that had hand edits: their header goes, their body stays exactly as the person left it. */
  edited: string[];
  dryRun: boolean;
  diff: string;
}

/** A `.envrc` that loads the flake with direnv alone: the fallback branch paved wrote, without the paved branch. */
function plainEnvrc(body: string): string {
  const lines = [...new Set(body.split("\n").map((line) => line.trim()))];
  // paved.yaml no longer shapes the shell once the files are the team's: watching it would only reload for nothing.
  const watch = lines
    .filter((l) => l.startsWith("watch_file "))
    .map((l) =>
      l
        .split(" ")
        .filter((word) => !/^'?(\.\.\/)*paved\.yaml'?$/.test(word))
        .join(" "),
    )
    .filter((l) => l !== "watch_file");
  const use = lines.filter((l) => l.startsWith("use flake"));
  return [
    "# Loads the project's dev shell with direnv's own `use flake`.",
    ...new Set(watch),
    ...(use.length ? use : ["use flake"]),
    "",
  ].join("\n");
}

/** The body without lines that tell a person to go through paved. */
export function ejectedBody(path: string, body: string): string {
  if (basename(path) === ".envrc") return plainEnvrc(body);
  return body
    .replace(/ ?\(edit paved\.yaml, then run `paved sync`\)/g, "")
    .replace(/ managed with paved"/g, '"')
    .replace(/ Change the role or modules in paved\.yaml, not here\./g, "")
    .split("\n")
    .filter((line) => !/^\s*(#|\/\/|<!--).*`paved (sync|eject|init|host|runner|team)/.test(line))
    .join("\n");
}

export async function ejectRepository(options: { dir: string; dryRun?: boolean; now?: Date }): Promise<EjectOutcome> {
  const files = await managedFiles(options.dir);
  const out: GeneratedFile[] = [];
  const edited: string[] = [];
  for (const file of files) {
    const header = parseHeader(await readFile(join(options.dir, file.path), "utf8"));
    if (!header) continue;
    if (!file.intact) edited.push(file.path);
    out.push({
      path: file.path,
      content: file.intact ? ejectedBody(file.path, header.body) : header.body,
      comment: "none",
    });
  }
  if (out.length > 0) {
    const mark = [
      "# This repository was ejected from paved: its generated files are now the team's own, and `paved sync` leaves",
      "# them alone. Delete this file to let paved manage them again.",
      `ejected-at: ${(options.now ?? new Date()).toISOString()}`,
      "files:",
      ...out.map((f) => `  - ${f.path}`),
      "",
    ].join("\n");
    out.push({ path: EJECTED_FILE, content: mark, comment: "none" });
  }
  // force: the files are rewritten from their own content, so a hand edit is carried over, not lost.
  const result = await commitChange(options.dir, { files: out }, { dryRun: options.dryRun === true, force: true });
  return {
    ejected: out.filter((f) => f.path !== EJECTED_FILE).map((f) => f.path),
    edited,
    dryRun: result.dryRun,
    diff: result.dryRun ? result.diff : "",
  };
}
