/**
 * The whole `paved init` as a user runs it, on a generated repository shaped like the big ones of the corpus
 * (docs/devshell-corpus.md): a Cargo workspace of 60 crates with module trees, a Maven build with
 * src/main/java/com/… packages, a 150-package pnpm workspace, examples/ and tests/ full of marker files.
 * Printed against `node -e 0` (bare start-up) and `git ls-files` (one walk of the same repository), as ratios.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ratioLine, sideBySide } from "./_measure.ts";

const bin = fileURLToPath(new URL("../apps/cli/bin/paved.cjs", import.meta.url));

function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function generateBigRepo(): string {
  const root = mkdtempSync(join(tmpdir(), "paved-bench-init-"));
  write(root, "Cargo.toml", '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nrust-version = "1.85"\n');
  write(root, "rust-toolchain.toml", '[toolchain]\nchannel = "1.94.0"\ncomponents = ["clippy", "rustfmt"]\n');
  for (let c = 0; c < 60; c++) {
    write(
      root,
      `crates/c${c}/Cargo.toml`,
      `[package]\nname = "c${c}"\nversion = "0.1.0"\nrust-version.workspace = true\n`,
    );
    for (let m = 0; m < 6; m++) write(root, `crates/c${c}/src/m${m}/inner/mod.rs`, "pub fn f() {}\n");
    write(root, `crates/c${c}/tests/fixtures/case/Cargo.toml`, '[package]\nname = "fixture"\n');
  }
  write(
    root,
    "java/pom.xml",
    "<project><properties><maven.compiler.release>21</maven.compiler.release></properties></project>\n",
  );
  for (let p = 0; p < 40; p++) write(root, `java/src/main/java/com/example/p${p}/a/b/App.java`, "class App {}\n");
  write(
    root,
    "web/package.json",
    JSON.stringify({ private: true, packageManager: "pnpm@10.20.0", engines: { node: ">=22" } }),
  );
  write(root, "web/pnpm-workspace.yaml", "packages:\n  - packages/*\n");
  for (let i = 0; i < 150; i++) {
    write(root, `web/packages/p${i}/package.json`, JSON.stringify({ name: `@bench/p${i}`, version: "1.0.0" }));
    write(root, `web/packages/p${i}/src/lib/index.ts`, "export {};\n");
  }
  for (let e = 0; e < 40; e++)
    write(root, `examples/e${e}/package.json`, JSON.stringify({ name: `e${e}`, engines: { node: "18" } }));
  execFileSync("git", ["init", "-q", root]);
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@paved.invalid", "commit", "-q", "-m", "tree"], {
    cwd: root,
  });
  return root;
}

export function benchDevshellInit(): string[] {
  const root = generateBigRepo();
  const env = { ...process.env, NO_COLOR: "1" };
  // The first init's whole work without its writes; then the re-run a team does after pulling (nothing to change).
  const [dry, node, git] = sideBySide(
    [
      { label: "paved init --dry-run", argv: [process.execPath, bin, "--json", "init", "--dry-run"], cwd: root, env },
      { label: "node -e 0", argv: [process.execPath, "-e", "0"] },
      { label: "git ls-files", argv: ["git", "ls-files", "-co", "--exclude-standard"], cwd: root },
    ],
    { runs: 15 },
  );
  execFileSync(process.execPath, [bin, "init", "--yes"], { cwd: root, env, stdio: "ignore" });
  const [rerun, node2] = sideBySide(
    [
      { label: "paved init --yes (re-run)", argv: [process.execPath, bin, "--json", "init", "--yes"], cwd: root, env },
      { label: "node -e 0", argv: [process.execPath, "-e", "0"] },
    ],
    { runs: 15 },
  );
  return [
    ratioLine("devshell init (first, 500 dirs)", dry!, node!, "≤ 0.3 s median on the corpus"),
    ratioLine("devshell init (first, 500 dirs)", dry!, git!),
    ratioLine("devshell init (re-run)", rerun!, node2!),
  ];
}
