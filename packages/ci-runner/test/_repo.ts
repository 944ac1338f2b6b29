import { mkdtemp, mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A temporary repository holding the given files (paths relative to its root). */
export async function tempRepo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-ci-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

export const read = (dir: string, path: string) => readFile(join(dir, path), "utf8");

export const APP_CONFIG = `# the web app
version: 1
shells:
  default:
    toolchains:
      node: { version: "22" }
      pnpm: { version: "10" }
  api:
    dir: services/api
    toolchains:
      go: { version: "1.24" }
`;
