/**
 * Test projects for `paved shell`: a git repository with a flake whose devShells come from the fixture nixpkgs
 * (packages made of builtins.derivation; Nix itself is real), a `nix` wrapper that records every call, and a
 * `paved` on PATH for direnv.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureNixpkgs, nixTestEnv, runProgram, type ProgramRun } from "@paved/fixtures";

export const pavedBin = fileURLToPath(new URL("../../../apps/cli/bin/paved.cjs", import.meta.url));

const system = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-${process.platform}`;

export const FLAKE = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
  outputs = { self, nixpkgs }:
    let
      pkgs = nixpkgs.legacyPackages.${system};
      tools = import ./nix/tools.nix { inherit pkgs; };
    in {
      devShells.${system} = {
        default = pkgs.mkShell {
          packages = tools;
          GREETING = "it's \\"quoted\\" $HOME";
          shellHook = ''
            export HOOK_RAN=1
            export HOOK_SEES_HELLO="$(command -v hello)"
          '';
        };
        api = pkgs.mkShell { packages = [ pkgs.uv ]; };
      };
    };
}
`;

export const TOOLS = "{ pkgs }: [ pkgs.hello ]\n";

export interface ShellRepo {
  root: string;
  nixpkgs: string;
  cacheDir: string;
  /** The recording `nix` wrapper's log: one line per call. */
  nixLog: string;
  /** The `paved` wrapper's log: one line per call (direnv's warm path must not add any). */
  pavedLog: string;
  /** PATH with the recording nix wrapper and a `paved` first. */
  path: string;
  env: NodeJS.ProcessEnv;
  nixCalls(): string[];
  pavedCalls(): string[];
  write(file: string, text: string): void;
  git(...args: string[]): string;
}

function realNix(): string {
  return execFileSync("sh", ["-c", "command -v nix"], { encoding: "utf8" }).trim();
}

export async function makeShellRepo(options: { pavedYaml?: (nixpkgs: string) => string } = {}): Promise<ShellRepo> {
  const nixpkgs = await fixtureNixpkgs();
  const base = mkdtempSync(join(tmpdir(), "paved-shell-test-"));
  const root = join(base, "repo");
  const bin = join(base, "bin");
  const cacheDir = join(base, "cache");
  const nixLog = join(base, "nix-calls.log");
  const pavedLog = join(base, "paved-calls.log");
  mkdirSync(bin, { recursive: true });
  writeFileSync(nixLog, "");
  writeFileSync(pavedLog, "");
  writeFileSync(join(bin, "nix"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${nixLog}'\nexec '${realNix()}' "$@"\n`);
  writeFileSync(
    join(bin, "paved"),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${pavedLog}'\nexec '${process.execPath}' '${pavedBin}' "$@"\n`,
  );
  chmodSync(join(bin, "nix"), 0o755);
  chmodSync(join(bin, "paved"), 0o755);
  const path = `${bin}${delimiter}${process.env.PATH}`;
  const env: NodeJS.ProcessEnv = {
    ...nixTestEnv(),
    PATH: path,
    PAVED_CACHE_DIR: cacheDir,
    HOME: base,
    XDG_CONFIG_HOME: join(base, "config"),
    XDG_DATA_HOME: join(base, "data"),
    XDG_CACHE_HOME: join(base, "xdg-cache"),
    SHELL: "/bin/bash",
    NO_COLOR: "1",
  };
  delete env.PAVED_NIX;
  delete env.DIRENV_DIR;
  delete env.DIRENV_FILE;
  delete env.DIRENV_DIFF;
  delete env.DIRENV_WATCHES;
  const repo: ShellRepo = {
    root,
    nixpkgs,
    cacheDir,
    nixLog,
    pavedLog,
    path,
    env,
    nixCalls: () => readFileSync(nixLog, "utf8").split("\n").filter(Boolean),
    pavedCalls: () => readFileSync(pavedLog, "utf8").split("\n").filter(Boolean),
    write(file, text) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    },
    git: (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8", env }),
  };
  mkdirSync(root, { recursive: true });
  repo.git("init", "-q");
  repo.write("flake.nix", FLAKE);
  repo.write("nix/tools.nix", TOOLS);
  repo.write("services/api/main.txt", "api\n");
  if (options.pavedYaml) repo.write("paved.yaml", options.pavedYaml(nixpkgs));
  repo.git("add", "-A");
  return repo;
}

export type Run = ProgramRun;

/** Runs a program (the bundled paved by default) with the repository's environment. */
export function run(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<Run> {
  return runProgram(argv, options);
}

export function paved(
  repo: ShellRepo,
  args: string[],
  cwd = repo.root,
  extra: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return run([process.execPath, pavedBin, ...args], { cwd, env: { ...repo.env, ...extra.env }, input: extra.input });
}
