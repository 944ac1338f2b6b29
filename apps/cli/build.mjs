// Bundles the CLI into dist/ so start-up reads a few files instead of hundreds of modules.
// Commands are separate chunks, loaded only when they run.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { existsSync, renameSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
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
const out = `${here}dist.new-${process.pid}`;
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { paved: `${here}src/cli.ts` },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  alias: {
    // The start-up path needs only the error class; the rest of core (yaml, diff) loads with a command.
    "@paved/core/errors": `${root}packages/core/src/errors.ts`,
    "@paved/core/secrets": `${root}packages/core/src/secrets/index.ts`,
    "@paved/core": pkg("core"),
    // `paved shell` imports the shell part alone: a cold entry then loads no detection libraries before Nix starts.
    "@paved/devshell/shell": `${root}packages/devshell/src/shell/index.ts`,
    "@paved/devshell": pkg("devshell"),
    "@paved/ci-runner": pkg("ci-runner"),
    "@paved/baseline": pkg("baseline"),
    "@paved/rollout": pkg("rollout"),
    "@paved/platform": pkg("platform"),
    "jsonc-parser": jsoncEsm,
  },
  // Playwright stays external: it is only for the report tests and loads its own files.
  external: ["playwright-core", "fsevents"],
  plugins: [commanderLazySpawn],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
  legalComments: "none",
});

// The warm `paved shell … -- CMD` path that bin/paved.mjs tries before loading the whole CLI: one small file
// with no imports but node's own (no commander, no @paved/core, no YAML parser), so a cached entry costs a few
// milliseconds over bare node. The import check below keeps it that way.
const fast = await build({
  entryPoints: { "shell-fast": `${here}src/fast-shell.ts` },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  alias: { "@paved/devshell/warm": `${root}packages/devshell/src/warm.ts` },
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
});
const heavy = Object.keys(fast.metafile.inputs).filter((input) => /packages\/core\/|node_modules\//.test(input));
if (heavy.length > 0) throw new Error(`dist/shell-fast.mjs must stay small, but it bundles: ${heavy.join(", ")}`);

const old = `${here}dist.old-${process.pid}`;
if (existsSync(`${here}dist`)) renameSync(`${here}dist`, old);
renameSync(out, `${here}dist`);
rmSync(old, { recursive: true, force: true });
