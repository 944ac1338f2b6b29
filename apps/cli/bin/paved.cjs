#!/usr/bin/env node
// The `paved` CLI in Node (bin/paved runs this for everything bash cannot serve from its stamp).
//
// dist/paved.cjs is one CommonJS bundle, compiled with a V8 code cache: Node 20 has no compile cache of its own
// (module.enableCompileCache is Node 22), and parsing and compiling the bundle was most of a short command's time.
// The cache is per user (never a shared directory: it is code), per bundle build and per command, written once
// after a run that had none, and ignored whenever anything about it is off: V8 rejects a cache that does not fit
// its version or flags, and the file name carries the bundle's content hash. PAVED_CODE_CACHE=DIR puts it elsewhere,
// PAVED_CODE_CACHE=off turns it off.
"use strict";
const {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

const dist = join(__dirname, "..", "dist");
const bundle = join(dist, "paved.cjs");

function fail(message) {
  process.stderr.write(`paved: ${message}\n`);
  process.exit(70);
}

function readOrNull(path, encoding) {
  try {
    return readFileSync(path, encoding);
  } catch {
    return null;
  }
}

/** A cache file is code: used only when this user owns it and nobody else can write it (checked on the open file). */
function readOwnCache(path) {
  let fd;
  try {
    fd = openSync(path, "r");
    const stat = fstatSync(fd);
    if (stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return null;
    return readFileSync(fd);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Where this build's cache for `argv`'s command lives, or null when there is no per-user place for it. */
function cacheFile(buildId, argv) {
  const setting = process.env.PAVED_CODE_CACHE;
  if (setting === "off") return null;
  const { HOME, XDG_CACHE_HOME } = process.env;
  const dir =
    setting ||
    (XDG_CACHE_HOME ? join(XDG_CACHE_HOME, "paved", "code") : HOME ? join(HOME, ".cache", "paved", "code") : null);
  if (!dir) return null;
  // One file per command (its first word: a handful of files, never one per value), so each caches its own code.
  const command = argv.find((word) => /^[a-z][a-z-]{1,20}$/.test(word)) ?? "main";
  return join(dir, `${buildId}-${process.version}-${command}.v8`);
}

function saveCache(file, script, buildId) {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Caches of other builds are dead weight once a new build runs.
    for (const name of readdirSync(dir)) if (!name.startsWith(`${buildId}-`)) rmSync(join(dir, name), { force: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // A cache that cannot be written only makes the next start slower.
  }
}

function loadBundle(argv) {
  const source = readOrNull(bundle, "utf8");
  const buildId = readOrNull(join(dist, "build-id"), "utf8")?.trim();
  if (source === null || !buildId) fail("the CLI is not built yet. Run `pnpm install` (or `pnpm build`) at the repository root.");
  const file = cacheFile(buildId, argv);
  const cached = file ? readOwnCache(file) : null;
  const script = new Script(wrap(source), {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
  });
  if (file && (!cached || script.cachedDataRejected)) process.once("exit", () => saveCache(file, script, buildId));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist);
  return module.exports;
}

async function start() {
  const argv = process.argv.slice(2);
  // bin/paved's bash path missed and says where its stamp goes; no command run by paved may inherit that.
  const fastStamp = process.env.PAVED_FAST_STAMP;
  delete process.env.PAVED_FAST_STAMP;
  // A warm `paved shell … -- CMD` is served by a small file without the rest of the CLI (src/fast-shell.ts).
  if (argv[0] === "shell" && argv.includes("--")) {
    const fast = require(join(dist, "shell-fast.cjs"));
    if (await fast.tryFastShell(argv, fastStamp)) return;
  }
  process.exitCode = await loadBundle(argv).run(argv);
}

start();
