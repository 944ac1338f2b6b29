import { fileURLToPath } from "node:url";
import { ratioLine, sideBySide } from "./_measure.ts";

const bin = fileURLToPath(new URL("../apps/cli/bin/paved.cjs", import.meta.url));

/** CLI start-up: `paved --version` against bare `node -e 0`, interleaved in one run. */
export function benchStartup(): string[] {
  const [paved, node] = sideBySide(
    [
      { label: "paved --version", argv: [process.execPath, bin, "--version"] },
      { label: "node -e 0", argv: [process.execPath, "-e", "0"] },
    ],
    { runs: 30 },
  );
  return [ratioLine("cli start-up", paved!, node!, "≤ 1.35x")];
}
