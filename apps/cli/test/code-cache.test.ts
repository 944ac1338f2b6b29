// bin/paved.cjs compiles the bundle with a V8 code cache (Node 20 has none of its own). The cache is code, so it is
// used only when it is this user's and nobody else can write it, and a cache that does not fit is replaced, never
// trusted. Each case runs the real bundle in its own process with its own cache directory.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { paved, pavedBin } from "./_cli.ts";

const buildId = readFileSync(join(pavedBin, "..", "..", "dist", "build-id"), "utf8").trim();
const cacheName = (command: string) => `${buildId}-${process.version}-${command}.v8`;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-code-cache-"));
  dirs.push(dir);
  return dir;
}

async function version(dir: string): Promise<string> {
  const run = await paved(["--version"], { env: { PAVED_CODE_CACHE: dir } });
  expect(run.code).toBe(0);
  return run.stdout.trim();
}

describe("the V8 code cache of the bundled CLI", () => {
  it("is written once per command, private to the user, and then read instead of rewritten", async () => {
    const dir = cacheDir();
    const expected = await version(dir);
    expect(expected).toMatch(/^\d+\.\d+\.\d+/);
    const file = join(dir, cacheName("main"));
    const first = statSync(file);
    expect(first.mode & 0o777).toBe(0o600);
    expect(first.size).toBeGreaterThan(10_000);
    expect(await version(dir)).toBe(expected);
    // Read, not written again: the same file (a rewrite is a rename over it).
    expect(statSync(file).ino).toBe(first.ino);
    const status = await paved(["status", "--json"], { cwd: dir, env: { PAVED_CODE_CACHE: dir } });
    expect(status.code).not.toBe(70);
    expect(readdirSync(dir).sort()).toEqual([cacheName("main"), cacheName("status")].sort());
  });

  it("ignores a cache others can write, and replaces it with its own", async () => {
    const dir = cacheDir();
    const file = join(dir, cacheName("main"));
    writeFileSync(file, "not a cache");
    chmodSync(file, 0o666);
    const before = statSync(file).ino;
    expect(await version(dir)).toMatch(/^\d+\.\d+\.\d+/);
    const after = statSync(file);
    expect(after.ino).not.toBe(before);
    expect(after.mode & 0o777).toBe(0o600);
  });

  it("survives a corrupt cache of its own (V8 rejects it) and writes a good one", async () => {
    const dir = cacheDir();
    const expected = await version(dir);
    const file = join(dir, cacheName("main"));
    const good = readFileSync(file);
    const corrupt = Buffer.from(good);
    for (let i = 0; i < corrupt.length; i += 7) corrupt[i] = corrupt[i]! ^ 0xff;
    writeFileSync(file, corrupt, { mode: 0o600 });
    expect(await version(dir)).toBe(expected);
    expect(readFileSync(file).equals(corrupt)).toBe(false);
  });

  it("drops the caches of other builds, and writes nothing when turned off", async () => {
    const dir = cacheDir();
    const stale = join(dir, `0000000000000000-${process.version}-main.v8`);
    writeFileSync(stale, "old build", { mode: 0o600 });
    await version(dir);
    expect(readdirSync(dir)).toEqual([cacheName("main")]);

    const off = await paved(["--version"], { env: { PAVED_CODE_CACHE: "off", HOME: dir, XDG_CACHE_HOME: dir } });
    expect(off.code).toBe(0);
    expect(readdirSync(dir)).toEqual([cacheName("main")]);
  });
});
