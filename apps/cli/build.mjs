// Bundles the CLI into dist/paved.cjs, one CommonJS file: bin/paved.cjs compiles it with a V8 code cache, so a start
// reads one file and compiles almost nothing. A command's modules still run only when the command does (esbuild wraps
// each lazily imported module).
import { build, transform } from "esbuild";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { createRequire } from "node:module";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = (name) => `${root}packages/${name}/src/index.ts`;
// jsonc-parser's "main" is a UMD build whose inner require() calls esbuild cannot follow; bundle its ES modules.
const jsoncEsm = createRequire(`${root}packages/devshell/package.json`)
  .resolve("jsonc-parser")
  .replace(/umd\/main\.js$/, "esm/main.js");
// Built beside dist/ and swapped in at the end: a paved started during a rebuild finds the old or the new bundle,
// never a half-written one.
// commander requires child_process at load for executable subcommands, which paved has none of; loading it (and
// net, dgram with it) on every start costs milliseconds. It is required on first use instead.
const commanderLazySpawn = {
  name: "commander-lazy-spawn",
  setup(plugin) {
    plugin.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      const uses = source.match(/childProcess\.\w+/g) ?? [];
      if (!source.includes(eager) || uses.some((use) => use !== "childProcess.spawn")) {
        throw new Error(`commander changed how it loads child_process (${args.path}); revisit commander-lazy-spawn`);
      }
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(eager, lazy), loader: "js" };
    });
  },
};
// A module that finds files beside its source (`new URL("../nix", import.meta.url)`) finds them from the bundle
// too: CommonJS has no import.meta, so its URL becomes the source file's, reached from dist/ at run time.
const importMetaUrl = {
  name: "import-meta-url",
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/](packages|apps)[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const fromDist = JSON.stringify(relative(`${here}dist`, args.path));
      const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${fromDist})).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};
const out = `${here}dist.new-${process.pid}`;
rmSync(out, { recursive: true, force: true });
const cli = await build({
  entryPoints: { paved: `${here}src/cli.ts` },
  outdir: out,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  alias: {
    // The start-up path needs only the error class; the rest of core (yaml, diff) loads with a command.
    "@paved/core/errors": `${root}packages/core/src/errors.ts`,
    "@paved/core/secrets": `${root}packages/core/src/secrets/index.ts`,
    "@paved/core": pkg("core"),
    // `paved shell` imports the shell part alone: a cold entry then loads no detection libraries before Nix starts.
    "@paved/devshell/shell": `${root}packages/devshell/src/shell/index.ts`,
    "@paved/devshell": pkg("devshell"),
    // `paved init` and `shell add/remove` import these alone: the platform's index would load every step package.
    "@paved/platform/shells": `${root}packages/platform/src/shells.ts`,
    "@paved/ci-runner": pkg("ci-runner"),
    "@paved/baseline": pkg("baseline"),
    "@paved/rollout": pkg("rollout"),
    "@paved/platform": pkg("platform"),
    "jsonc-parser": jsoncEsm,
  },
  // Playwright stays external: it is only for the report tests and loads its own files.
  external: ["playwright-core", "fsevents"],
  plugins: [commanderLazySpawn, importMetaUrl],
  // Reading and decoding the bundle is part of every start: without whitespace and comments it is 1.2 MB, not 1.75.
  // Names stay, so a stack trace still says which function failed.
  minifyWhitespace: true,
  logLevel: "silent",
  legalComments: "none",
});
// A bundle that would misbehave at run time fails the build: `import.meta` has no value in CommonJS, and the bundle
// runs as a plain script, which has no module loader to answer an import(). esbuild warns about some of these only,
// so the code itself (without its comments) is searched too.
if (cli.warnings.length > 0) throw new Error(`bundling the CLI: ${cli.warnings.map((w) => w.text).join("; ")}`);
const bundled = readFileSync(`${out}/paved.cjs`, "utf8");
const code = (await transform(bundled, { minifyWhitespace: true, legalComments: "none" })).code;
const unsafe = [/\bimport_meta\d*\b/, /\bimport\.meta\b/, /\bimport\s*\(/].filter((pattern) => pattern.test(code));
if (unsafe.length > 0) throw new Error(`the CLI bundle uses import.meta or import() (${unsafe.join(", ")})`);
// bin/paved.cjs keys its V8 code cache on this first line, read with the bundle itself: V8 checks only a cache's
// source length, so a cache of another build must never be offered.
const buildHash = createHash("sha256").update(bundled).digest("hex").slice(0, 16);
writeFileSync(`${out}/paved.cjs`, `// paved-build ${buildHash}\n${bundled}`);

// The warm `paved shell … -- CMD` path that bin/paved.cjs tries before loading the whole CLI: one small file
// with no imports but node's own (no commander, no @paved/core, no YAML parser), so a cached entry costs a few
// milliseconds over bare node. The import check below keeps it that way.
const fast = await build({
  entryPoints: { "shell-fast": `${here}src/fast-shell.ts` },
  outdir: out,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  alias: { "@paved/devshell/warm": `${root}packages/devshell/src/warm.ts` },
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
});
const heavy = Object.keys(fast.metafile.inputs).filter((input) => /packages\/core\/|node_modules\//.test(input));
if (heavy.length > 0) throw new Error(`dist/shell-fast.cjs must stay small, but it bundles: ${heavy.join(", ")}`);

const old = `${here}dist.old-${process.pid}`;
if (existsSync(`${here}dist`)) renameSync(`${here}dist`, old);
renameSync(out, `${here}dist`);
rmSync(old, { recursive: true, force: true });
