/**
 * direnv loads side by side in one run, on the same small flake and checkout (fixture nixpkgs, real Nix, real
 * direnv), each `direnv exec DIR true` with a warm cache:
 * - paved's generated `.envrc` (the stamp decides; no paved, no Nix process): goal ≤ 10 ms over an empty `.envrc`;
 * - an empty `.envrc` (what direnv itself costs);
 * - the same flake through nix-direnv's published `direnvrc`, when a copy is on disk (PAVED_BENCH_NIX_DIRENV, or
 *   the usual install locations); the line is skipped otherwise. paved ships no copy of it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { renderEnvrc } from "../packages/devshell/src/direnv/_envrc.ts";
import { fixtureNixpkgs, hasTool, nixTestEnv } from "../fixtures/index.ts";
import { sideBySide, type Command } from "./_measure.ts";
import { BENCH_FLAKE as flake, paved } from "./_devshell.ts";

function nixDirenvRc(): string | undefined {
  const candidates = [
    process.env.PAVED_BENCH_NIX_DIRENV,
    "/usr/share/nix-direnv/direnvrc",
    join(homedir(), ".nix-profile/share/nix-direnv/direnvrc"),
    "/run/current-system/sw/share/nix-direnv/direnvrc",
    "/nix/var/nix/profiles/default/share/nix-direnv/direnvrc",
  ];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

function countLines(path: string): number {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).length : 0;
}

function project(parent: string, name: string, envrc: string): string {
  const root = join(parent, name);
  mkdirSync(join(root, "nix"), { recursive: true });
  writeFileSync(join(root, "flake.nix"), flake);
  writeFileSync(join(root, "nix/tools.nix"), "{ pkgs }: [ pkgs.hello pkgs.uv pkgs.deno ]\n");
  writeFileSync(join(root, ".envrc"), envrc);
  execFileSync("git", ["init", "-q"], { cwd: root });
  execFileSync("git", ["add", "-A"], { cwd: root });
  return root;
}

export async function benchDevshellDirenv(): Promise<string[]> {
  if (!hasTool("direnv")) return ["direnv: skipped (direnv is not installed)"];
  const nixpkgs = await fixtureNixpkgs();
  const parent = mkdtempSync(join(tmpdir(), "paved-bench-direnv-"));
  try {
    const bin = join(parent, "bin");
    mkdirSync(bin);
    const calls = join(parent, "paved-calls.log");
    writeFileSync(
      join(bin, "paved"),
      `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${process.execPath}' '${paved}' "$@"\n`,
      { mode: 0o755 },
    );
    const env: NodeJS.ProcessEnv = {
      ...nixTestEnv(),
      PATH: `${bin}:${process.env.PATH}`,
      HOME: parent,
      XDG_DATA_HOME: join(parent, "data"),
      XDG_CONFIG_HOME: join(parent, "config"),
      XDG_CACHE_HOME: join(parent, "xdg-cache"),
      PAVED_CACHE_DIR: join(parent, "cache"),
    };
    for (const name of ["DIRENV_DIR", "DIRENV_FILE", "DIRENV_DIFF", "DIRENV_WATCHES", "PAVED_NIX"]) delete env[name];
    const pavedDir = project(parent, "paved", renderEnvrc({ nixpkgsPath: nixpkgs }));
    const emptyDir = project(parent, "empty", "");
    const rc = nixDirenvRc();
    const nixDirenvDir = rc
      ? project(
          parent,
          "nix-direnv",
          `source ${JSON.stringify(rc)}\nuse flake . --override-input nixpkgs ${JSON.stringify(`path:${nixpkgs}`)}\n`,
        )
      : undefined;
    const dirs = [pavedDir, emptyDir, ...(nixDirenvDir ? [nixDirenvDir] : [])];
    for (const dir of dirs) execFileSync("direnv", ["allow", dir], { cwd: dir, env });
    // Fill every cache; wait out paved's two-second racy window so its stamp can vouch for the inputs.
    for (const dir of dirs) execFileSync("direnv", ["exec", dir, "true"], { cwd: dir, env, stdio: "ignore" });
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    for (const dir of dirs) execFileSync("direnv", ["exec", dir, "true"], { cwd: dir, env, stdio: "ignore" });

    const exec = (label: string, dir: string): Command => ({
      label,
      cwd: dir,
      env,
      argv: ["direnv", "exec", dir, "true"],
    });
    const commands = [exec("paved .envrc", pavedDir), exec("empty .envrc", emptyDir)];
    if (nixDirenvDir) commands.push(exec("nix-direnv", nixDirenvDir));
    const callsBefore = countLines(calls);
    const [pavedRun, empty, nixDirenv] = sideBySide(commands, { runs: 25 });
    // The warm path must not have started paved at all; if it did, the numbers are not the warm path's.
    const pavedRan = countLines(calls) - callsBefore;
    const lines = [`direnv exec DIR true, warm, same flake (fixture nixpkgs), medians of 25 interleaved runs:`];
    lines.push(
      `  paved .envrc ${pavedRun!.medianMs.toFixed(1)} ms, empty .envrc ${empty!.medianMs.toFixed(1)} ms: +${(pavedRun!.medianMs - empty!.medianMs).toFixed(1)} ms (goal ≤ 10 ms)`,
    );
    if (pavedRan > 0) lines.push(`  WARNING: paved ran ${pavedRan} times during the warm runs: the stamp did not hold`);
    if (nixDirenv) {
      lines.push(
        `  nix-direnv (${rc}) ${nixDirenv.medianMs.toFixed(1)} ms: +${(nixDirenv.medianMs - empty!.medianMs).toFixed(1)} ms over empty; paved / nix-direnv = ${(pavedRun!.medianMs / nixDirenv.medianMs).toFixed(2)}x`,
      );
    } else {
      lines.push(
        "  nix-direnv: skipped (no direnvrc on disk; set PAVED_BENCH_NIX_DIRENV to a copy of nix-direnv's direnvrc)",
      );
    }
    return lines;
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
