import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseHeader } from "./_header.ts";
import { writeAtomic } from "./_atomic.ts";

export interface EjectResult {
  ejected: string[];
  skipped: string[];
}

/** Drops the paved header from each file so it becomes an ordinary file that its owners maintain. */
export async function ejectFiles(
  root: string,
  paths: string[],
  options: { dryRun?: boolean } = {},
): Promise<EjectResult> {
  const result: EjectResult = { ejected: [], skipped: [] };
  const updates: [string, string][] = [];
  for (const path of paths) {
    let content: string;
    try {
      content = await readFile(join(root, path), "utf8");
    } catch {
      result.skipped.push(path);
      continue;
    }
    const header = parseHeader(content);
    if (!header) {
      result.skipped.push(path);
      continue;
    }
    updates.push([path, header.body]);
    result.ejected.push(path);
  }
  if (!options.dryRun) {
    for (const [path, body] of updates) await writeAtomic(join(root, path), body);
  }
  return result;
}
