#!/usr/bin/env node
// The bundle is built by `pnpm install` (root postinstall) or `pnpm build`.
import { existsSync } from "node:fs";
const bundle = new URL("../dist/paved.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("paved: the CLI is not built yet. Run `pnpm install` (or `pnpm build`) at the repository root.\n");
  process.exit(70);
}
await import(bundle.href);
