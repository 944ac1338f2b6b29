// One scratch directory per test run, removed when the run ends. Tests make their temp dirs with mkdtemp in
// os.tmpdir() and many never remove them (a fleet is ~400 MB); a shared disk filled up from it and CI failed with
// ENOSPC. Pointing TMPDIR at a run directory cleans every test up at once, including after a failed afterAll.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "paved-run-";
const OWNER = ".paved-run-pid";

export interface Scratch {
  /** the run's TMPDIR */
  tmp: string;
  /** the run's directory on a disk filesystem (/var/tmp): chattr +i needs inode flags, and /tmp may be a tmpfs */
  diskTmp: string;
}

export function makeScratch(): Scratch {
  const roots = [tmpdir(), "/var/tmp"];
  for (const root of roots) removeAbandoned(root);
  const [tmp, diskTmp] = roots.map((root) => {
    const dir = mkdtempSync(join(root, PREFIX));
    // like /tmp itself: tests run some programs as other users (build users, setpriv), which must get in
    chmodSync(dir, 0o1777);
    writeFileSync(join(dir, OWNER), `${process.pid}\n`);
    return dir;
  }) as [string, string];
  return { tmp, diskTmp };
}

export function removeScratch(scratch: Scratch): void {
  for (const dir of [scratch.tmp, scratch.diskTmp]) removeRunDir(dir);
}

/** Run directories whose vitest is gone (killed, or the machine restarted) are removed by the next run. */
function removeAbandoned(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(root, name);
    const pid = Number.parseInt(readText(join(dir, OWNER)) ?? "", 10);
    if (Number.isInteger(pid) && isAlive(pid)) continue;
    removeRunDir(dir);
  }
}

function removeRunDir(dir: string): void {
  if (!existsSync(dir)) return;
  // rm would follow into a mount a test left (a chaos tmpfs) or stop at an immutable file: undo both first
  for (const mount of mountsUnder(dir)) quiet("umount", ["-l", mount]);
  if (mountsUnder(dir).length > 0) {
    console.warn(`paved tests: left ${dir} in place, something is still mounted under it`);
    return;
  }
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    quiet("chattr", ["-R", "-i", dir]);
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      console.warn(`paved tests: could not remove ${dir}: ${(error as Error).message}`);
    }
  }
}

/** mount points at or under dir, deepest first (from /proc/self/mountinfo, whose paths escape spaces as \040) */
function mountsUnder(dir: string): string[] {
  const info = readText("/proc/self/mountinfo") ?? "";
  return info
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((field): field is string => field !== undefined)
    .map((field) =>
      field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    )
    .filter((mount) => mount === dir || mount.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function quiet(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: "ignore" });
  } catch {
    // best effort: the removal that follows says what is left
  }
}
