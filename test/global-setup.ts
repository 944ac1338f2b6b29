import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** CLI tests run the real bundled `paved`; bundle it once from the current sources (about a second). */
export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../apps/cli/build.mjs", import.meta.url))], {
    stdio: "inherit",
  });
}
