/**
 * Repositories for the cold path's tree (shell/_source.ts): a flake over the fixture nixpkgs, 300 KB nobody reads
 * (else a tree is not worth making), what paved captured, and what `nix print-dev-env` gives on the checkout.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { EntryMeta } from "../src/shell/index.ts";
import { makeShellRepo, paved, type ShellRepo } from "./_shellrepo.ts";

const system = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-${process.platform}`;

/** A flake whose default shell has `body` in its mkShell attributes; `lib` and `self` are in scope. */
export function flake(body: string, packages = "[ pkgs.hello ]"): string {
  return `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
  outputs = { self, nixpkgs }:
    let
      pkgs = nixpkgs.legacyPackages.${system};
      lib = nixpkgs.lib;
    in {
      devShells.${system}.default = pkgs.mkShell {
        packages = ${packages};
        ${body}
      };
    };
}
`;
}

/** A repository with `files`, plus 300 KB nothing reads: what a tree saves Nix from copying. */
export async function repoWith(files: Record<string, string>, dir = ""): Promise<ShellRepo> {
  const repo = await makeShellRepo();
  repo.write("assets/big.bin", "x".repeat(300_000));
  for (const [file, text] of Object.entries(files)) repo.write(join(dir, file), text);
  repo.git("add", "-A");
  return repo;
}

/** The newest entry paved captured for the repository. */
export function latestEntry(repo: ShellRepo): { meta: EntryMeta; env: string; dir: string } {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name === "meta.json") found.push(dir);
    }
  };
  walk(join(repo.cacheDir, "shells"));
  const newest = found
    .sort((a, b) => statSync(join(a, "meta.json")).mtimeMs - statSync(join(b, "meta.json")).mtimeMs)
    .at(-1)!;
  return {
    dir: newest,
    meta: JSON.parse(readFileSync(join(newest, "meta.json"), "utf8")) as EntryMeta,
    env: readFileSync(join(newest, "env.json"), "utf8"),
  };
}

/** `nix print-dev-env --json` on the checkout itself: what nix develop would load. */
export function checkoutEnv(repo: ShellRepo, dir = "", override = true): string {
  const args = [
    "print-dev-env",
    "--json",
    ...(override ? ["--override-input", "nixpkgs", `path:${repo.nixpkgs}`] : []),
  ];
  return execFileSync("nix", [...args, `${join(repo.root, dir)}#default`], {
    cwd: repo.root,
    env: repo.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export async function capture(repo: ShellRepo, dir = "", args = ["--nixpkgs", repo.nixpkgs]) {
  const result = await paved(repo, ["shell", ...args, "--", "true"], join(repo.root, dir));
  expect(result.stderr).not.toMatch(/\berror\b/i);
  expect(result.code).toBe(0);
  return { ...latestEntry(repo), stderr: result.stderr };
}
