import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A temporary repository with the given files (path → content); `git: true` runs git init. */
export function makeRepo(files: Record<string, string>, options: { git?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-devshell-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  if (options.git !== false) execFileSync("git", ["init", "-q", dir]);
  return dir;
}

export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
