// bin/paved.cjs compiles the bundle with a V8 code cache (Node 20 has none of its own). The cache is code, so it is
// used only when it is this user's, in a directory nobody else can write, and a cache that does not fit is replaced,
// never trusted; writing it touches nothing but paved's own files. Each case runs the real bundle in its own process
// with its own cache directory.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { paved, pavedBin } from "./_cli.ts";

const bundleLine = readFileSync(join(pavedBin, "..", "..", "dist", "paved.cjs"), "utf8").split("\n", 1)[0]!;
const build = /^\/\/ paved-build ([0-9a-f]{16})$/.exec(bundleLine)?.[1];
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function cacheRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-code-cache-"));
  dirs.push(dir);
  return dir;
}

/** The one directory of this copy of paved under the cache root, and the files in it. */
function copyDir(root: string): string {
  const [only, ...more] = readdirSync(root).filter((name) => lstatSync(join(root, name)).isDirectory());
  expect(more).toEqual([]);
  return join(root, only!);
}
const cacheFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith(".v8"));

async function run(root: string, args: string[] = ["--version"]): Promise<string> {
  const result = await paved(args, { cwd: root, env: { PAVED_CODE_CACHE: root } });
  expect(result.code).not.toBe(70);
  return result.stdout;
}

describe("the V8 code cache of the bundled CLI", () => {
  it("is keyed by the bundle's own first line", () => {
    expect(build).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is written once per command, private to the user, then read instead of rewritten; typos add nothing", async () => {
    const root = cacheRoot();
    const version = await run(root);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const dir = copyDir(root);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [main] = cacheFiles(dir);
    expect(main).toMatch(new RegExp(`^${build}-${process.arch}-[0-9a-f]{8}-main\\.v8$`));
    const first = statSync(join(dir, main!));
    expect(first.mode & 0o777).toBe(0o600);
    expect(first.size).toBeGreaterThan(10_000);
    expect(await run(root)).toBe(version);
    expect(statSync(join(dir, main!)).ino).toBe(first.ino);

    await run(root, ["status", "--json"]);
    await run(root, ["sttaus"]);
    await run(root, ["--json", "status"]);
    expect(
      cacheFiles(dir)
        .map((name) => name.replace(/^.*-/, ""))
        .sort(),
    ).toEqual(["main.v8", "status.v8"]);
  });

  it("ignores a cache file others can write, or a symlink, and writes its own in its place", async () => {
    const root = cacheRoot();
    const version = await run(root);
    const dir = copyDir(root);
    const [name] = cacheFiles(dir);
    const file = join(dir, name!);
    const good = readFileSync(file);

    chmodSync(file, 0o666);
    const before = statSync(file).ino;
    expect(await run(root)).toBe(version);
    expect(statSync(file).ino).not.toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const elsewhere = join(root, "elsewhere.v8");
    writeFileSync(elsewhere, good, { mode: 0o600 });
    rmSync(file);
    symlinkSync(elsewhere, file);
    expect(await run(root)).toBe(version);
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(elsewhere).equals(good)).toBe(true);
  });

  it("uses and writes nothing in a directory others can write", async () => {
    const root = cacheRoot();
    await run(root);
    const dir = copyDir(root);
    for (const name of cacheFiles(dir)) rmSync(join(dir, name));
    chmodSync(dir, 0o777);
    expect(await run(root)).toMatch(/^\d+\.\d+\.\d+/);
    expect(cacheFiles(dir)).toEqual([]);
  });

  it("survives a corrupt cache of its own (V8 rejects it) and writes a good one", async () => {
    const root = cacheRoot();
    const version = await run(root);
    const dir = copyDir(root);
    const file = join(dir, cacheFiles(dir)[0]!);
    const corrupt = Buffer.from(readFileSync(file));
    for (let i = 0; i < corrupt.length; i += 7) corrupt[i] = corrupt[i]! ^ 0xff;
    writeFileSync(file, corrupt, { mode: 0o600 });
    expect(await run(root)).toBe(version);
    expect(readFileSync(file).equals(corrupt)).toBe(false);
  });

  it("drops only its own older builds' and gone copies' caches, never other files, and writes nothing when off", async () => {
    const root = cacheRoot();
    await run(root);
    const dir = copyDir(root);
    const older = `0000000000000000-${process.arch}-00000000-main.v8`;
    writeFileSync(join(dir, older), "an older build", { mode: 0o600 });
    writeFileSync(join(dir, "notes.txt"), "someone's notes");
    mkdirSync(join(dir, "0000000000000000-x64-00000000-status.v8"));
    for (const name of cacheFiles(dir).filter((n) => n.startsWith(build!))) rmSync(join(dir, name));
    await run(root);
    const names = readdirSync(dir).sort();
    expect(names).not.toContain(older);
    expect(names).toContain("notes.txt");
    expect(names).toContain("0000000000000000-x64-00000000-status.v8");
    expect(names.filter((name) => name.startsWith(build!))).toHaveLength(1);

    // Copies of paved that are gone (a deleted checkout, a CI run's temporary copy) lose their caches at the next
    // write; a copy that still exists, and anything that is not paved's, stay.
    const sibling = (name: string, copy: string, extra?: string) => {
      mkdirSync(join(root, name), { mode: 0o700 });
      writeFileSync(join(root, name, "copy"), copy);
      writeFileSync(join(root, name, older), "cache", { mode: 0o600 });
      if (extra) writeFileSync(join(root, name, extra), "not paved's");
    };
    sibling("0000000a", join(root, "gone", "paved.cjs"));
    sibling("0000000b", pavedBin);
    sibling("0000000c", join(root, "gone", "paved.cjs"), "keep.txt");
    for (const name of cacheFiles(dir).filter((n) => n.startsWith(build!))) rmSync(join(dir, name));
    await run(root);
    const left = readdirSync(root).sort();
    expect(left).not.toContain("0000000a");
    expect(readdirSync(join(root, "0000000b")).sort()).toEqual(["copy", older].sort());
    expect(readdirSync(join(root, "0000000c"))).toEqual(["keep.txt"]);

    const home = cacheRoot();
    const off = await paved(["--version"], { env: { PAVED_CODE_CACHE: "off", HOME: home, XDG_CACHE_HOME: home } });
    expect(off.code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });
});
