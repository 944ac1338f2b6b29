/**
 * Test helpers: evaluate paved's modules against the fixture nixpkgs with real `nix eval`, and create
 * throwaway system users for real sshd logins (the tests run as root; users are removed afterwards).
 */
import { execFile, execFileSync } from "node:child_process";
import { fixtureNixpkgs, nixTestEnv, type FixtureRelease } from "@paved/fixtures";
import { buildNixos, evalNixos } from "@paved/baseline";
import { raw } from "@paved/core";

/** Root file system and boot loader: what every non-container NixOS host must declare. */
const BOOTABLE = `{ fileSystems."/".device = "/dev/sda1"; boot.loader.grub.device = "/dev/sda"; }`;

/** The tests write their modules as Nix source; `raw` is where that text becomes code. */
const code = (modules: string[], select: string) => ({ modules: [BOOTABLE, ...modules].map(raw), select: raw(select) });

export async function evalHost<T>(modules: string[], select: string, release: FixtureRelease = "26.05"): Promise<T> {
  const nixpkgs = await fixtureNixpkgs({ release });
  return evalNixos<T>({ nixpkgs, ...code(modules, select), env: nixTestEnv() as Record<string, string> });
}

export async function buildHost(
  modules: string[],
  select: string,
  release: FixtureRelease = "26.05",
): Promise<string[]> {
  const nixpkgs = await fixtureNixpkgs({ release });
  return buildNixos({ nixpkgs, ...code(modules, select), env: nixTestEnv() as Record<string, string> });
}

/** Like evalHost, but returns the error text instead of throwing. */
export async function evalError(modules: string[], select: string, release: FixtureRelease = "26.05"): Promise<string> {
  try {
    await evalHost(modules, select, release);
  } catch (error) {
    // What nix printed, not the command (which holds the test's own input).
    const details = (error as { details?: { stderrTail?: string } }).details;
    return `${(error as Error).message}\n${details?.stderrTail ?? ""}`;
  }
  return "";
}

/** A Nix string literal for test values (ASCII, no interpolation). */
export const q = (value: string): string => JSON.stringify(value).replace(/\$/g, "\\$");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(argv: string[], timeout = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

const created: string[] = [];

/** A local account sshd can authenticate: `*` as password (no password, not locked), no home directory. */
export function addUser(name: string, shell: string, expires?: string | null): void {
  removeUser(name);
  execFileSync("useradd", [
    "-M",
    "-N",
    "-d",
    "/nonexistent",
    "-s",
    shell,
    "-p",
    "*",
    ...(expires ? ["-e", expires] : []),
    name,
  ]);
  created.push(name);
}

function removeUser(name: string): void {
  try {
    execFileSync("userdel", [name], { stdio: "ignore" });
  } catch {
    // not there
  }
}

export function removeCreatedUsers(): void {
  for (const name of created.splice(0)) removeUser(name);
}
