/**
 * `paved` as installed (apps/cli/bin/paved): a warm `paved shell … -- CMD` is served by bash from the stamp paved
 * wrote, with no Node and no Nix; every change that could make that environment wrong sends it back to paved.
 * A `node` on PATH that logs each start counts Node's part; the repository's `nix` wrapper counts Nix's.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { makeShellRepo, paved, run, type ShellRepo } from "./_shellrepo.ts";

const launcher = fileURLToPath(new URL("../../../apps/cli/bin/paved", import.meta.url));

const config = `version: 1
shells:
  default: {}
  api:
    dir: services/api
`;

let repo: ShellRepo;
let nodeLog: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireTool("nix");
  requireTool("git");
  requireTool("bash");
  repo = await makeShellRepo({ pavedYaml: () => config });
  const bin = join(dirname(repo.root), "node-bin");
  nodeLog = join(dirname(repo.root), "node-calls.log");
  mkdirSync(bin, { recursive: true });
  writeFileSync(nodeLog, "");
  writeFileSync(join(bin, "node"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`);
  chmodSync(join(bin, "node"), 0o755);
  env = { ...repo.env, PATH: `${bin}:${repo.env.PATH}`, TMPDIR: join(dirname(repo.root), "tmp") };
  mkdirSync(env.TMPDIR!, { recursive: true });
});

const nodeCalls = () => readFileSync(nodeLog, "utf8").split("\n").filter(Boolean).length;
const printDevEnvCalls = () => repo.nixCalls().filter((line) => line.includes("print-dev-env")).length;

async function shell(args: string[], cwd = repo.root, input?: string) {
  const nodeBefore = nodeCalls();
  const nixBefore = printDevEnvCalls();
  const result = await run([launcher, "shell", "--nixpkgs", repo.nixpkgs, ...args], { cwd, env, input });
  return { ...result, node: nodeCalls() - nodeBefore, nix: printDevEnvCalls() - nixBefore };
}

/**
 * Runs until bash serves it: a capture, a verified hit that writes the stamp, then the stamp. A file changed in the
 * last two seconds gets an "ask paved" stamp (a stat that close to a change proves nothing), hence the waits.
 */
async function warm(args: string[], cwd = repo.root) {
  for (let i = 0; i < 8; i++) {
    const result = await shell(args, cwd);
    expect(result.code, result.stderr).toBe(0);
    if (result.node === 0) return result;
    if (i >= 1) await new Promise((resolve) => setTimeout(resolve, 700));
  }
  throw new Error(`bin/paved never served ${args.join(" ")} without Node`);
}

const ENV_DUMP = ["--", "bash", "-c", 'env -0; printf "%s\\0" "HOOK_RAN=$HOOK_RAN"'];
/** The environment a command sees, without what differs per run by design. */
function envOf(output: string): Record<string, string> {
  const vars = Object.fromEntries(
    output
      .split("\0")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  for (const name of ["NIX_BUILD_TOP", "TMP", "TMPDIR", "TEMP", "TEMPDIR", "_", "SHLVL", "OLDPWD"]) delete vars[name];
  return vars;
}

describe("bin/paved serves a warm paved shell with bash alone", () => {
  it("runs the command with no Node and no Nix, in the same environment Node's path gives it", async () => {
    const served = await warm(ENV_DUMP);
    expect(served.nix).toBe(0);
    const viaNode = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, ...ENV_DUMP], repo.root, { env });
    expect(viaNode.code, viaNode.stderr).toBe(0);
    const fast = envOf(served.stdout);
    expect(fast.PAVED_SHELL).toBe("default");
    expect(fast.PAVED_SHELL_ROOT).toBe(repo.root);
    expect(fast.HOOK_RAN).toBe("1");
    expect(fast.GREETING).toBe(`it's "quoted" $HOME`);
    expect(fast.PAVED_FAST_STAMP).toBeUndefined();
    expect(fast).toEqual(envOf(viaNode.stdout));
  });

  it("passes arguments, stdin and the exit code through untouched, and gives each run a NIX_BUILD_TOP it later removes", async () => {
    await warm(["--", "true"]);
    const args = ["two words", "it's", "$HOME", "*", ""];
    const result = await shell(
      [
        "--",
        "bash",
        "-c",
        'printf "<%s>" "$@"; cat; test -d "$NIX_BUILD_TOP" && echo "$NIX_BUILD_TOP" >&2; exit 7',
        "x",
        ...args,
      ],
      repo.root,
      "from stdin",
    );
    expect(result.node).toBe(0);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe(`${args.map((a) => `<${a}>`).join("")}from stdin`);
    const top = result.stderr.trim().split("\n").at(-1)!;
    expect(top.startsWith(`${env.TMPDIR}/nix-shell.paved-`)).toBe(true);
    expect(existsSync(top)).toBe(true);
    const next = await shell(["--", "true"]);
    expect(next.node).toBe(0);
    expect(existsSync(top)).toBe(false);
  });

  it("sends every change that could alter the environment back to paved", async () => {
    await warm(["--", "true"]);
    // an input of the evaluation
    repo.write("nix/tools.nix", "{ pkgs }: [ pkgs.hello pkgs.uv ]\n");
    const changed = await shell(["--", "uv", "--version"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.node).toBeGreaterThan(0);
    expect(changed.nix).toBe(1);
    // a flake.nix between the working directory and the root makes that directory the root
    const sub = join(repo.root, "services", "web");
    mkdirSync(sub, { recursive: true });
    await warm(["--", "true"], sub);
    writeFileSync(join(repo.root, "services", "flake.nix"), "{ outputs = { self }: { }; }\n");
    const moved = await shell(["--", "true"], sub);
    expect(moved.node).toBeGreaterThan(0);
    rmSync(join(repo.root, "services", "flake.nix"));
    // another Nix on PATH
    await warm(["--", "true"]);
    const otherNix = await run([launcher, "shell", "--nixpkgs", repo.nixpkgs, "--", "true"], {
      cwd: repo.root,
      env: { ...env, PAVED_NIX: "/nonexistent/nix" },
    });
    expect(otherNix.code, otherNix.stderr).not.toBe(0);
  });

  it("picks the sub-project's shell from paved.yaml, and asks paved again when paved.yaml changes", async () => {
    const api = join(repo.root, "services", "api");
    const served = await warm(["--", "sh", "-c", 'echo "$PAVED_SHELL"'], api);
    expect(served.stdout.trim()).toBe("api");
    repo.write("paved.yaml", config.replace("dir: services/api", "dir: services/other"));
    const after = await shell(["--", "sh", "-c", 'echo "$PAVED_SHELL"'], api);
    expect(after.code, after.stderr).toBe(0);
    expect(after.node).toBeGreaterThan(0);
    expect(after.stdout.trim()).toBe("default");
    repo.write("paved.yaml", config);
  });

  it("leaves anything but the plain warm form to the CLI, and works when installed as a symlink", async () => {
    await warm(["--", "true"]);
    const json = await shell(["--json", "--", "true"]);
    expect(json.node).toBeGreaterThan(0);
    const linked = join(dirname(repo.root), "home-bin", "paved");
    mkdirSync(dirname(linked), { recursive: true });
    symlinkSync(launcher, linked);
    const version = await run([linked, "--version"], { cwd: repo.root, env });
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/\d+\.\d+\.\d+/);
    const viaLink = await run([linked, "shell", "--nixpkgs", repo.nixpkgs, "--", "hello", "--version"], {
      cwd: repo.root,
      env,
    });
    expect(viaLink.code, viaLink.stderr).toBe(0);
    expect(viaLink.stdout).toMatch(/hello/i);
  });
});
