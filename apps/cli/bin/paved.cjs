#!/usr/bin/env node
// The `paved` CLI in Node (bin/paved runs this for everything bash cannot serve from its stamp).
//
// dist/paved.cjs is one CommonJS bundle, compiled with a V8 code cache: Node 20 has no compile cache of its own
// (module.enableCompileCache is Node 22), and parsing and compiling the bundle was most of a short command's time.
// A cache is code, so it is trusted only as far as paved can prove it is the user's own:
// - it lives in a directory of the user's (~/.cache/paved/code/<copy>/), not a symlink, that nobody else can write,
//   and is itself such a file; as root with someone else's HOME (sudo -E) there is no cache at all;
// - its name carries the bundle's content hash (the bundle's first line, read with the bundle) and Node's version and
//   flags, and V8 rejects a cache that does not fit; a rejected or missing one is written again after the run;
// - one file per command paved knows, so typos and values never add files; only this copy's older builds are
//   removed, and nothing else in the directory is touched.
// PAVED_CODE_CACHE=DIR puts it elsewhere (an absolute path), PAVED_CODE_CACHE=off turns it off.
"use strict";
const fs = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { dirname, isAbsolute, join } = require("node:path");
const { Script } = require("node:vm");

const dist = join(__dirname, "..", "dist");
const bundle = join(dist, "paved.cjs");
const BUILD_LINE = /^\/\/ paved-build ([0-9a-f]{16})\n/;
const CACHE_FILE = /^[0-9a-f]{16}-[a-z0-9]+-[0-9a-f]{8}-[a-z-]+\.v8$/;
const TEMPORARY = /^\.tmp-\d+-[a-z0-9]+$/;
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
const MAX_FILES_PER_BUILD = 40;

function fail(message) {
  process.stderr.write(`paved: ${message}\n`);
  process.exit(70);
}

/** A short, stable name for a text (FNV-1a, 32 bits): not a security measure, a way to keep caches apart. */
function shortHash(path) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

/** The directory all copies' cache directories live in, or null when there is no private place for it. */
function cacheBase() {
  const setting = process.env.PAVED_CODE_CACHE;
  if (setting === "off" || typeof process.getuid !== "function") return null;
  const { HOME, XDG_CACHE_HOME } = process.env;
  const base =
    setting ||
    (XDG_CACHE_HOME && isAbsolute(XDG_CACHE_HOME)
      ? join(XDG_CACHE_HOME, "paved", "code")
      : HOME && isAbsolute(HOME)
        ? join(HOME, ".cache", "paved", "code")
        : null);
  return base && isAbsolute(base) ? base : null;
}

/**
 * Removes the caches of copies of paved that are gone (a deleted checkout, a CI run's temporary copy): each copy's
 * directory names its bundle in a `copy` file. Only paved's own files are removed, and a directory only when that
 * leaves it empty.
 */
function dropGoneCopies(base, own) {
  for (const name of fs.readdirSync(base)) {
    const dir = join(base, name);
    if (dir === own || !/^[0-9a-f]{8}$/.test(name) || !trustedDir(dir)) continue;
    const copy = readSmall(join(dir, "copy"));
    if (copy !== null && fs.existsSync(copy)) continue;
    try {
      for (const file of fs.readdirSync(dir)) {
        if (CACHE_FILE.test(file) || TEMPORARY.test(file) || file === "copy") fs.unlinkSync(join(dir, file));
      }
      fs.rmdirSync(dir);
    } catch {
      // Something else is in it, or it changed meanwhile: left as it is.
    }
  }
}

function readSmall(path) {
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** A real directory (not a symlink) of this user's that nobody else can write. */
function trustedDir(dir) {
  try {
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readCache(dir, file) {
  if (!trustedDir(dir)) return null;
  let fd;
  try {
    const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
    fd = fs.openSync(join(dir, file), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0) return null;
    if (stat.size > MAX_CACHE_BYTES) return null;
    return fs.readFileSync(fd);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function saveCache(dir, file, script, build) {
  let temporary;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!trustedDir(dir)) return;
    if (readSmall(join(dir, "copy")) !== bundle) fs.writeFileSync(join(dir, "copy"), bundle, { mode: 0o600, flag: "w" });
    try {
      dropGoneCopies(dirname(dir), dir);
    } catch {
      // The cache root cannot be listed: other copies' caches stay, and this one's is still written.
    }
    const names = fs.readdirSync(dir);
    const hourAgo = Date.now() - 3_600_000;
    for (const name of names) {
      // This copy's older builds, and temporary files a killed run left behind; nothing else.
      try {
        const olderBuild = CACHE_FILE.test(name) && !name.startsWith(`${build}-`);
        const leftover = TEMPORARY.test(name) && fs.lstatSync(join(dir, name)).mtimeMs < hourAgo;
        if (olderBuild || leftover) fs.unlinkSync(join(dir, name));
      } catch {
        // Gone already, or not a file: left alone.
      }
    }
    if (names.filter((name) => name.startsWith(`${build}-`)).length >= MAX_FILES_PER_BUILD) return;
    fs.accessSync(dir, fs.constants.W_OK);
    temporary = join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
    const fd = fs.openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      fs.writeFileSync(fd, script.createCachedData());
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, join(dir, file));
    temporary = undefined;
  } catch {
    // A cache that cannot be written only makes the next start slower.
  } finally {
    if (temporary) fs.rmSync(temporary, { force: true });
  }
}

function loadBundle(argv) {
  let source;
  try {
    source = fs.readFileSync(bundle, "utf8");
  } catch {
    fail("the CLI is not built yet. Run `pnpm install` (or `pnpm build`) at the repository root.");
  }
  const build = BUILD_LINE.exec(source)?.[1];
  if (!build) fail(`${bundle} was not written by apps/cli/build.mjs. Run \`pnpm build\` at the repository root.`);
  const base = cacheBase();
  // One directory per installed copy of paved, so two checkouts never evict each other's caches.
  const dir = base ? join(base, shortHash(bundle)) : null;
  const command = /^[a-z][a-z-]{1,20}$/.test(argv[0] ?? "") ? argv[0] : "main";
  // Node's version and the flags it runs with (V8 rejects a cache made under other flags; node:v8's own tag would
  // cost more to load than the rest of this file).
  const flags = shortHash(`${process.version} ${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`);
  const file = `${build}-${process.arch}-${flags}-${command}.v8`;
  const cached = dir ? readCache(dir, file) : null;
  const script = new Script(wrap(source), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist);
  const cli = module.exports;
  if (dir && (!cached || script.cachedDataRejected) && (command === "main" || cli.isCommandWord(command))) {
    process.once("exit", () => saveCache(dir, file, script, build));
  }
  return cli;
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
  const cli = loadBundle(argv);
  // A run whose work never settles (a prompt closed with Ctrl-D) is not a success. Said at exit, not set up front:
  // commander reads process.exitCode while it runs.
  let settled = false;
  process.once("exit", () => {
    if (!settled) process.exitCode = 70;
  });
  process.exitCode = await cli.run(argv);
  settled = true;
}

start().catch((error) => fail(`internal error: ${error?.stack ?? error}`));
