// Bundles the CLI into dist/ so start-up reads a few files instead of hundreds of modules.
// Commands are separate chunks, loaded only when they run.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { rmSync } from "node:fs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = (name) => `${root}packages/${name}/src/index.ts`;
rmSync(`${here}dist`, { recursive: true, force: true });
await build({
  // `shell-fast` is the warm `paved shell -- CMD` path bin/paved.mjs tries before loading the whole CLI.
  entryPoints: { paved: `${here}src/main.ts`, "shell-fast": `${here}src/fast-shell.ts` },
  outdir: `${here}dist`,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  alias: {
    "@paved/core": pkg("core"),
    // Listed before the package itself: the warm `paved shell` entry must not pull in the whole package.
    "@paved/devshell/warm": `${root}packages/devshell/src/warm.ts`,
    "@paved/devshell": pkg("devshell"),
    "@paved/ci-runner": pkg("ci-runner"),
    "@paved/baseline": pkg("baseline"),
    "@paved/rollout": pkg("rollout"),
  },
  // Playwright stays external: it is only for the report tests and loads its own files.
  external: ["playwright-core", "fsevents"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
  legalComments: "none",
});
