#!/usr/bin/env node
// The bundle is built by `pnpm install` (root postinstall) or `pnpm build`.
import { existsSync } from "node:fs";
const bundle = new URL("../dist/paved.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    "paved: the CLI is not built yet. Run `pnpm install` (or `pnpm build`) at the repository root.\n",
  );
  process.exit(70);
}
// bin/paved's bash path missed and says where its stamp goes; no command run by paved may inherit that.
const fastStamp = process.env.PAVED_FAST_STAMP;
delete process.env.PAVED_FAST_STAMP;
// A warm `paved shell … -- CMD` is served without loading the rest of the CLI (see src/fast-shell.ts).
if (process.argv[2] === "shell" && process.argv.includes("--")) {
  const fast = await import(new URL("../dist/shell-fast.mjs", import.meta.url).href);
  if (await fast.tryFastShell(process.argv.slice(2), fastStamp)) process.exit();
}
await import(bundle.href);
