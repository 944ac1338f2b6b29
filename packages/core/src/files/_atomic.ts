import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { PavedError } from "../errors.ts";
import { assertNoSecretInText } from "../secrets/index.ts";

/**
 * Writes one file through a temp file next to it, fsync and a rename, so readers see the old content or the new,
 * never half. Keeps the file's mode (or takes `mode`); creates missing parent directories.
 * Refuses (E_SECRET_LITERAL, file:line:col, nothing written) content that holds a credential.
 */
export async function writeAtomic(path: string, content: string, options: { mode?: number } = {}): Promise<void> {
  assertNoSecretInText(content, path);
  const temp = join(dirname(path), `.${basename(path)}.paved-tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const mode =
      options.mode ??
      (await stat(path).then(
        (s) => s.mode & 0o777,
        () => undefined,
      ));
    const handle = await open(temp, "wx", mode ?? 0o644);
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open() applies the umask; an explicit or inherited mode must survive it.
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new PavedError("E_FILE_WRITE", `cannot write ${path}: ${(error as Error).message}`, {
      hint: "Check the directory's permissions and free space.",
      details: { file: path },
      cause: error,
    });
  }
}
