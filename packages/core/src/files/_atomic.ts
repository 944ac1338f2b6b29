import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile, stat, chmod } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes one file through a temp file and a rename, so readers see the old or the new content, never half. */
export async function writeAtomic(path: string, content: string, options: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.paved-tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await writeFile(temp, content, { encoding: "utf8", flag: "wx" });
    const mode = options.mode ?? (await stat(path).then((s) => s.mode & 0o777, () => undefined));
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
