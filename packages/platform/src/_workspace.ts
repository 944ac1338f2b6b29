/**
 * Reading a platform repository for status/plan/report without giving up at the first bad input: a paved.yaml
 * from another paved version or with a mistake still yields the repos and hosts it names (read leniently from
 * the YAML), and every `repos:` entry is checked on its own.
 */
import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { CONFIG_VERSION, readConfig, type PavedConfig } from "@paved/core";
import type { Problem, RepoEntry } from "./_types.ts";

interface PlatformHostRef {
  name: string;
  role: string;
  system: string;
}

export interface Workspace {
  dir: string;
  /** The validated config; undefined when paved.yaml is invalid or from another format version. */
  config?: PavedConfig;
  configVersion: unknown;
  name: string;
  repos: RepoEntry[];
  hosts: PlatformHostRef[];
  problems: Problem[];
  /** An application repository on its own: steps 3-5 belong to the platform repository. */
  application: boolean;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** What a person should do about a paved.yaml written for another format version. */
function versionProblem(version: unknown): Problem | undefined {
  if (version === CONFIG_VERSION) return undefined;
  const older = version === undefined || (typeof version === "number" && version < CONFIG_VERSION);
  const shown = version === undefined ? "no `version:` key" : `version: ${JSON.stringify(version)}`;
  return {
    kind: "old-config",
    subject: "paved.yaml",
    message: older
      ? `paved.yaml has ${shown}: it was written by an older paved; this paved reads format ${CONFIG_VERSION}. The report below is read leniently from it.`
      : `paved.yaml has ${shown}: it was written by a newer paved than this one (format ${CONFIG_VERSION}).`,
    fix: older
      ? `Set \`version: ${CONFIG_VERSION}\` and run \`paved status\` again; it names any key that changed (docs/migration-playbook.md).`
      : "Upgrade paved to the version your team uses.",
  };
}

async function checkRepo(
  platformDir: string,
  entry: string,
): Promise<Pick<RepoEntry, "path" | "readable" | "problem">> {
  const path = resolve(platformDir, entry);
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return { path, readable: false, problem: `repos: ${entry} is not a directory (${path})` };
    await access(path, constants.R_OK | constants.X_OK);
    await readdir(path);
    return { path, readable: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT" || code === "ENOTDIR"
        ? `repos: ${entry} does not exist (looked for ${path})`
        : `repos: ${entry} cannot be read (${code ?? (error as Error).message})`;
    return { path, readable: false, problem };
  }
}

function repoNames(entries: string[], dir: string): string[] {
  const names = entries.map((e) => basename(resolve(dir, e)) || e);
  return names.map((name, i) => (names.indexOf(name) === names.lastIndexOf(name) ? name : entries[i]!));
}

export async function loadWorkspace(dir: string): Promise<Workspace> {
  const problems: Problem[] = [];
  // The one reader: no paved.yaml, or not even YAML, throws (the command fails, exit 3, with file:line:col); a
  // paved.yaml that breaks the schema comes back with its error and the raw document to read leniently.
  const read = await readConfig(dir);
  const config: PavedConfig | undefined = read.config;
  const raw = read.raw;
  const error = read.error;
  if (error) {
    const version = versionProblem(raw.version);
    problems.push(
      version ?? {
        kind: "invalid-config",
        subject: "paved.yaml",
        message: error.message,
        fix: `${error.hint ?? "Fix paved.yaml."} The rest of this report is read leniently from it.`,
      },
    );
  }
  let rawRepos = config
    ? config.repos
    : Array.isArray(raw.repos)
      ? raw.repos.filter((r): r is string => typeof r === "string" && r !== "")
      : [];
  // Run in an application repository (no platform sections), `paved status` reports on that repository itself.
  const application =
    config !== undefined &&
    rawRepos.length === 0 &&
    Object.keys(config.hosts).length === 0 &&
    !config.team &&
    !config.rollout;
  if (application) rawRepos = ["."];
  const names = repoNames(rawRepos, dir);
  const repos: RepoEntry[] = [];
  for (const [index, entry] of rawRepos.entries()) {
    const checked = await checkRepo(dir, entry);
    const repo: RepoEntry = { name: names[index]!, entry, ...checked, steps: {} };
    repos.push(repo);
    if (checked.problem) {
      problems.push({
        kind: checked.problem.includes("does not exist") ? "missing-repo" : "unreadable-repo",
        subject: repo.name,
        message: checked.problem,
        fix: "Fix the path under `repos:` in paved.yaml (relative to the platform repository), or remove the entry.",
      });
    }
  }
  const hosts: PlatformHostRef[] = config
    ? Object.entries(config.hosts).map(([name, host]) => ({ name, role: host.role, system: host.system }))
    : Object.entries(asRecord(raw.hosts)).map(([name, value]) => {
        const host = asRecord(value);
        return {
          name,
          role: typeof host.role === "string" ? host.role : "unknown",
          system: typeof host.system === "string" ? host.system : "x86_64-linux",
        };
      });
  const platformName =
    config?.platform.name ??
    (typeof asRecord(raw.platform).name === "string" ? (asRecord(raw.platform).name as string) : basename(dir));
  return {
    dir,
    ...(config ? { config } : {}),
    configVersion: raw.version,
    name: platformName,
    repos,
    hosts,
    problems,
    application,
  };
}
