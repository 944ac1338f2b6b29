/**
 * `paved init` scan of a generated 2,000-package monorepo (pnpm workspace, a few Go and Python services,
 * a large node_modules that must be skipped). Printed against a plain readdir walk of the same tree
 * (in-process) and `node -e 0` (whole CLI), as ratios. Goal: the scan well under 1 s.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { scanRepository } from "@paved/devshell";
import { ratioLine, sideBySide } from "./_measure.ts";

const bin = fileURLToPath(new URL("../apps/cli/bin/paved.cjs", import.meta.url));

function write(path: string, content: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}

function generateMonorepo(packages = 2000): string {
  const root = mkdtempSync(join(tmpdir(), "paved-bench-monorepo-"));
  write(
    join(root, "package.json"),
    JSON.stringify({ private: true, packageManager: "pnpm@10.20.0", engines: { node: ">=22" } }),
  );
  write(join(root, "pnpm-workspace.yaml"), "packages:\n  - packages/*\n  - services/*\n");
  write(join(root, ".nvmrc"), "22\n");
  for (let i = 0; i < packages; i++) {
    const dir = join(root, "packages", `pkg-${i}`);
    write(
      join(dir, "package.json"),
      JSON.stringify({ name: `@bench/pkg-${i}`, version: "1.0.0", dependencies: { lodash: "^4" } }),
    );
    write(join(dir, "src", "index.ts"), `export const n = ${i};\n`);
    write(join(dir, "src", "util.ts"), "export {};\n");
    write(join(dir, "README.md"), "# pkg\n");
    if (i % 100 === 0) write(join(dir, ".nvmrc"), "24\n");
  }
  for (let i = 0; i < 10; i++)
    write(join(root, "services", `go-${i}`, "go.mod"), `module example.com/go${i}\n\ngo 1.25\n`);
  for (let i = 0; i < 10; i++)
    write(
      join(root, "services", `py-${i}`, "pyproject.toml"),
      `[project]\nname = "py${i}"\nrequires-python = ">=3.12"\n`,
    );
  // Dependencies that a scan must never enter.
  for (let i = 0; i < 3000; i++)
    write(join(root, "node_modules", `dep-${i}`, "package.json"), JSON.stringify({ name: `dep-${i}` }));
  execFileSync("git", ["init", "-q", root]);
  return root;
}

function plainWalk(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    count++;
    if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== ".git")
      count += plainWalk(join(dir, entry.name));
  }
  return count;
}

function medianMs(fn: () => unknown, runs: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export function benchDevshellScan(): string[] {
  const root = generateMonorepo();
  try {
    const detection = scanRepository(root);
    const scan = medianMs(() => scanRepository(root), 7);
    const walk = medianMs(() => plainWalk(root), 7);
    const [init, node] = sideBySide(
      [
        { label: "paved init --dry-run", argv: [process.execPath, bin, "init", "--dry-run", "--json"], cwd: root },
        { label: "node -e 0", argv: [process.execPath, "-e", "0"] },
      ],
      { runs: 7, warmup: 1 },
    );
    return [
      `devshell scan: ${detection.projects.length} projects, ${detection.stats.directories} directories read`,
      `devshell scan: scanRepository ${scan.toFixed(1)} ms / plain readdir walk ${walk.toFixed(1)} ms = ${(scan / walk).toFixed(2)}x (goal: scan < 1000 ms)`,
      ratioLine("devshell init", init!, node!, "paved init --dry-run < 1000 ms"),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
