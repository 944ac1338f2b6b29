import { access, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { exec } from "../exec/_exec.ts";
import { gitRoot, untrackedPaths } from "../exec/_git.ts";
import { isPavedError } from "../errors.ts";
import { MIN_NIX_VERSION, compareVersions, nixCommand, nixVersion } from "../nix/_runner.ts";
import { TESTED_NIX_VERSIONS, nixConfigCommand, parseNixConfig } from "../nix/_compat.ts";
import { checkTeamCache } from "./_cache.ts";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface DoctorCheck {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it; present whenever status is not ok. */
  fix?: string;
}

export interface DoctorOptions {
  dir: string;
  /** Where to look for shell start-up files (tests point this at a temp home). */
  home?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

async function run(argv: string[], cwd?: string) {
  try {
    return await exec(argv, { cwd });
  } catch {
    return undefined;
  }
}

async function checkNix(): Promise<DoctorCheck> {
  const base = { id: "nix", title: "Nix installed" };
  try {
    const version = await nixVersion();
    if (compareVersions(version.version, MIN_NIX_VERSION) < 0) {
      return {
        ...base,
        status: "fail",
        detail: `${version.flavour} ${version.version}`,
        fix: `Upgrade to Nix ${MIN_NIX_VERSION} or newer: https://nixos.org/download`,
      };
    }
    const line = `${version.major}.${version.minor}`;
    const tested = (TESTED_NIX_VERSIONS as readonly string[]).includes(line);
    const newest = TESTED_NIX_VERSIONS[TESTED_NIX_VERSIONS.length - 1]!;
    const range = `paved supports ${MIN_NIX_VERSION.replace(/\.0$/, "")} or newer, tested on ${TESTED_NIX_VERSIONS.join(" and ")}`;
    const note = `${tested ? "supported and tested" : compareVersions(line, newest) > 0 ? "supported, newer than tested" : "supported"}: ${range}`;
    return { ...base, status: "ok", detail: `${version.flavour} ${version.version} (${note})` };
  } catch (error) {
    return {
      ...base,
      status: "fail",
      detail: isPavedError(error) ? error.message : String(error),
      fix: "Install Nix: `sudo apt-get install nix-bin` on Debian/Ubuntu, or the installer at https://nixos.org/download",
    };
  }
}

async function checkFlakes(nixOk: boolean): Promise<DoctorCheck> {
  const base = { id: "flakes", title: "Flakes usable" };
  if (!nixOk) return { ...base, status: "skip", detail: "needs Nix", fix: "Install Nix first." };
  // paved passes the feature flags itself; this proves the running Nix accepts them.
  const command = nixCommand(["eval", "--json", "--expr", "builtins ? getFlake"]);
  const result = await run(command.argv);
  if (result?.exitCode === 0 && result.stdout.trim() === "true") {
    return { ...base, status: "ok", detail: "nix-command and flakes enabled per call by paved" };
  }
  return {
    ...base,
    status: "fail",
    detail: result?.stderr.trim().split("\n").at(-1) ?? "nix eval did not run",
    fix: "Add `experimental-features = nix-command flakes` to /etc/nix/nix.conf, or upgrade Nix.",
  };
}

async function checkStore(nixOk: boolean): Promise<DoctorCheck> {
  const base = { id: "store", title: "Nix store writable or daemon reachable" };
  if (!nixOk) return { ...base, status: "skip", detail: "needs Nix", fix: "Install Nix first." };
  const result = await run(nixCommand(["store", "ping"]).argv);
  if (result?.exitCode === 0) {
    const where = /Store URL:\s*(\S+)/.exec(result.stdout + result.stderr)?.[1] ?? "local";
    return { ...base, status: "ok", detail: `store ${where}` };
  }
  return {
    ...base,
    status: "fail",
    detail: (result?.stderr ?? "").trim().split("\n").at(-1) ?? "nix store ping failed",
    fix: "Start the daemon (`sudo systemctl start nix-daemon`) or add your user to the group that may use it (Debian: `sudo adduser $USER nix-users`).",
  };
}

/** Builds as a multi-user install makes them: inside Nix's sandbox, as build users that exist. */
async function checkBuilds(nixOk: boolean): Promise<DoctorCheck> {
  const base = { id: "builds", title: "Builds sandboxed, as build users" };
  if (!nixOk) return { ...base, status: "skip", detail: "needs Nix", fix: "Install Nix first." };
  const result = await run(nixCommand(nixConfigCommand(await nixVersion())).argv);
  const config = result?.exitCode === 0 ? parseNixConfig(result.stdout) : undefined;
  if (!config)
    return {
      ...base,
      status: "warn",
      detail: "could not read Nix's configuration",
      fix: "Run `nix show-config` and check `sandbox`.",
    };
  const sandbox = String(config.sandbox ?? "");
  const group = String(config["build-users-group"] ?? "");
  if (group && process.getuid?.() === 0) {
    const known = await run(["getent", "group", group]);
    if (known && known.exitCode !== 0) {
      return {
        ...base,
        status: "fail",
        detail: `build-users-group is ${group}, but there is no such group: every build as root fails`,
        fix: `Create the group and its build users as the Nix installer does (scripts/setup.sh in paved's repository does it), or set build-users-group in /etc/nix/nix.conf.`,
      };
    }
  }
  if (sandbox !== "true") {
    return {
      ...base,
      status: "warn",
      detail: `sandbox = ${sandbox || "unset"}: builds can read this machine's files and may not reproduce elsewhere`,
      fix: "Set `sandbox = true` in /etc/nix/nix.conf (the default on Linux).",
    };
  }
  return { ...base, status: "ok", detail: `sandbox on${group ? `, builds as the ${group} users` : ""}` };
}

async function checkGit(): Promise<DoctorCheck> {
  const base = { id: "git", title: "git installed" };
  const result = await run(["git", "--version"]);
  if (result?.exitCode === 0) return { ...base, status: "ok", detail: result.stdout.trim() };
  return { ...base, status: "fail", detail: "git not found on PATH", fix: "Install git: `sudo apt-get install git`." };
}

const RC_FILES = [".bashrc", ".bash_profile", ".zshrc", ".config/fish/config.fish", ".config/nushell/config.nu"];

async function checkDirenv(home: string): Promise<DoctorCheck[]> {
  const present = await run(["direnv", "version"]);
  if (present?.exitCode !== 0) {
    return [
      {
        id: "direnv",
        title: "direnv installed",
        status: "warn",
        detail: "direnv not found (optional: it loads the dev shell when you cd into a repo)",
        fix: "Install direnv (`sudo apt-get install direnv`), then hook it into your shell: https://direnv.net/docs/hook.html",
      },
    ];
  }
  const hookedIn: string[] = [];
  for (const file of RC_FILES) {
    const text = await readFile(join(home, file), "utf8").catch(() => "");
    if (/direnv hook/.test(text)) hookedIn.push(`~/${file}`);
  }
  return [
    { id: "direnv", title: "direnv installed", status: "ok", detail: `direnv ${present.stdout.trim()}` },
    hookedIn.length > 0
      ? { id: "direnv-hook", title: "direnv hooked into the shell", status: "ok", detail: hookedIn.join(", ") }
      : {
          id: "direnv-hook",
          title: "direnv hooked into the shell",
          status: "warn",
          detail: `no \`direnv hook\` line in ${RC_FILES.map((f) => `~/${f}`).join(", ")}`,
          fix: 'Add `eval "$(direnv hook bash)"` to ~/.bashrc (zsh: `eval "$(direnv hook zsh)"` in ~/.zshrc).',
        },
  ];
}

async function checkFlakeTracked(dir: string): Promise<DoctorCheck> {
  const base = { id: "flake-tracked", title: "flake.nix tracked by git" };
  const hasFlake = await access(join(dir, "flake.nix")).then(
    () => true,
    () => false,
  );
  if (!hasFlake) return { ...base, status: "skip", detail: "no flake.nix here" };
  const root = await gitRoot(dir);
  if (!root) return { ...base, status: "ok", detail: "not a git repository; Nix reads the directory as it is" };
  const rel = join(dir, "flake.nix").slice(root.length + 1);
  const missing = await untrackedPaths(root, [
    rel,
    ...(await access(join(dir, "flake.lock")).then(
      () => [rel.replace(/flake\.nix$/, "flake.lock")],
      () => [],
    )),
  ]);
  if (missing.length === 0) return { ...base, status: "ok", detail: `${rel} is tracked` };
  return {
    ...base,
    status: "fail",
    detail: `${missing.join(", ")} not tracked: Nix will not see ${missing.length === 1 ? "it" : "them"}`,
    fix: `git add -N ${missing.join(" ")}`,
  };
}

/** Checks what paved needs from the machine. Never throws for a failing check: each one says how to fix itself. */
export async function doctor(options: DoctorOptions): Promise<DoctorReport> {
  const nix = await checkNix();
  const nixOk = nix.status === "ok";
  const [flakes, store, builds, git, direnv, tracked, cache] = await Promise.all([
    checkFlakes(nixOk),
    checkStore(nixOk),
    checkBuilds(nixOk),
    checkGit(),
    checkDirenv(options.home ?? homedir()),
    checkFlakeTracked(options.dir),
    checkTeamCache(options.dir, nixOk),
  ]);
  const checks = [nix, flakes, store, builds, git, ...direnv, tracked, ...cache];
  return { ok: checks.every((c) => c.status !== "fail"), checks };
}
