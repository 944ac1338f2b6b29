import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const EXAMPLE_ORG = fileURLToPath(new URL("../../../examples/acme", import.meta.url));

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A private copy of examples/acme with every repository a fresh git repository (as a team would have them). */
export async function copyOrg(options: { git?: boolean } = {}): Promise<string> {
  const root = join(await mkdtemp(join(tmpdir(), "paved-org-")), "acme");
  await cp(EXAMPLE_ORG, root, { recursive: true });
  if (options.git !== false) {
    for (const repo of ["platform", "api", "web", "worker"]) {
      git(join(root, repo), "init", "-q");
      git(join(root, repo), "add", "-A");
      git(join(root, repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "initial");
    }
  }
  return root;
}

/** Every file under `dir` (skipping .git) with its content, to prove a command wrote nothing. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string): Promise<void> {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.name === ".git") continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if ((await stat(full)).isFile()) out[full.slice(dir.length + 1)] = await readFile(full, "utf8");
    }
  }
  await walk(dir);
  return out;
}

/**
 * The README quick start on a copy of the example: the platform repository, a dev shell in every application
 * repository (checked against the fixture nixpkgs), and CI on Nix in api and web. Returns the org root.
 */
export async function walkedOrg(
  run: (
    args: string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv },
  ) => Promise<{ code: number; stdout: string; stderr: string }>,
  nixpkgs: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const org = await copyOrg();
  const platform = join(org, "platform");
  const step = async (args: string[]) => {
    const result = await run(args, { cwd: platform, env });
    if (result.code !== 0)
      throw new Error(`paved ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  };
  await step(["init", "--platform"]);
  for (const app of ["api", "web", "worker"]) await step(["init", "--yes", "--nixpkgs", nixpkgs, "--dir", `../${app}`]);
  for (const app of ["api", "web"]) await step(["ci", "init", "--provider", "github", "--dir", `../${app}`]);
  return org;
}
