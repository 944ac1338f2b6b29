/**
 * `paved init --platform`: scaffold (or complete) a team's platform repository. paved.yaml is created, or an
 * existing one gets only the sections it lacks (comments kept); every other file is a managed file, so files a
 * person wrote or edited are reported and kept. Everything is computed and validated before the first write.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { isMap, type Document } from "yaml";
import {
  addToConfigList,
  commitChange,
  CONFIG_FILE,
  CURRENT_STABLE_RELEASE,
  editConfig,
  exec,
  gitIntentToAdd,
  gitRoot,
  loadConfig,
  parseConfig,
  PavedError,
  type FileStatus,
  type PavedConfig,
} from "@paved/core";
import { readEjected } from "./_ejected.ts";
import { renderPlatformFiles } from "./_platform-files.ts";

export interface PlatformInitOptions {
  dir: string;
  /** Team or platform name (default: the directory name). */
  name?: string;
  /** Application repositories for `repos:`, relative to the platform repository. */
  repos?: string[];
  ci?: "github" | "gitlab";
  release?: string;
  /** Run `git init` when the directory is not in a repository (default true). */
  git?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export interface PlatformFileOutcome {
  path: string;
  status: FileStatus | "kept" | "completed";
  written: boolean;
}

export interface PlatformInitResult {
  root: string;
  gitInit: boolean;
  config: PlatformFileOutcome & { added: string[] };
  files: PlatformFileOutcome[];
  kept: string[];
  intentToAdd: string[];
  dryRun: boolean;
  diff: string;
  /** Things a person should know, e.g. a pipeline file the CI provider will not find. */
  notes: string[];
}

const GITIGNORE = ".gitignore";

function quote(value: string): string {
  return JSON.stringify(value);
}

/** A first paved.yaml with a comment on each section: the team reads this file more than paved does. */
export function platformConfigText(options: {
  name: string;
  repos: string[];
  ci: "github" | "gitlab";
  release: string;
}): string {
  const repos = options.repos.length ? options.repos.map((r) => `  - ${quote(r)}`).join("\n") : "  []";
  return `# paved.yaml of a platform repository: the team roster, NixOS hosts, how rollouts go, and the application
# repositories \`paved status\` and \`paved plan\` read. paved renders flake.nix, hosts/ and CI from it.
version: 1
nixpkgs:
  release: ${quote(options.release)}
platform:
  name: ${quote(options.name)}

# Application repositories (local paths, relative to this file), e.g. ../api
repos:${options.repos.length ? `\n${repos}` : " []"}

# The team roster: users with SSH public keys (inline or a path to a .pub file) and groups.
team:
  groups: [ops]
  users: {}

# NixOS hosts by name. Add them with \`paved host add NAME --role bastion|staging|internal\` or
# \`paved runner add NAME ...\`; each one gets hosts/NAME.nix and an entry in flake.nix.
hosts: {}

# How \`paved rollout apply\` deploys: a canary first, then the rest.
rollout:
  waves:
    - name: canary
      hosts: 1
    - name: rest
      hosts: rest
  failureBudget: 0

# CI runs \`nix flake check\`, which builds every host configuration.
ci:
  provider: ${options.ci}
`;
}

/** Sections a platform repository needs that an existing paved.yaml lacks, added without touching the rest. */
function addMissing(doc: Document, name: string, repos: string[], ci: "github" | "gitlab"): string[] {
  const added: string[] = [];
  const root = doc.contents;
  const has = (key: string) => isMap(root) && root.has(key);
  const set = (key: string, value: unknown) => {
    doc.set(key, doc.createNode(value));
    added.push(key);
  };
  if (!has("platform")) set("platform", { name });
  if (!has("repos")) set("repos", repos);
  if (!has("team")) set("team", { groups: ["ops"], users: {} });
  if (!has("hosts")) set("hosts", {});
  if (!has("rollout"))
    set("rollout", {
      waves: [
        { name: "canary", hosts: 1 },
        { name: "rest", hosts: "rest" },
      ],
      failureBudget: 0,
    });
  if (!has("ci")) set("ci", { provider: ci });
  return added;
}

export async function initPlatform(options: PlatformInitOptions): Promise<PlatformInitResult> {
  const dir = options.dir;
  if (await readEjected(dir)) {
    throw new PavedError(
      "E_EJECTED",
      "this repository was ejected from paved: `paved init --platform` would take its files back",
      {
        hint: "Edit the files by hand, or delete .paved/ejected to let paved manage the repository again.",
      },
    );
  }
  const dryRun = options.dryRun === true;
  const name = options.name ?? basename(dir);
  const ci = options.ci ?? "github";
  const configFile = join(dir, CONFIG_FILE);
  let configText: string;
  let before: string | undefined;
  let added: string[] = [];
  if (existsSync(configFile)) {
    // An invalid paved.yaml stops here with file:line:col, before anything is written.
    const loaded = await loadConfig(dir);
    before = loaded.text;
    const edit = await editConfig(
      dir,
      (doc) => {
        added = addMissing(doc, name, options.repos ?? [], ci);
        // --repo on an existing platform adds the repositories it does not list yet.
        if (!added.includes("repos"))
          for (const repo of options.repos ?? [])
            if (addToConfigList(doc, ["repos"], repo, { unique: true })) added.push(`repos: ${repo}`);
      },
      { dryRun: true },
    );
    configText = edit.after;
  } else {
    if (options.repos?.some((r) => r.trim() === ""))
      throw new PavedError("E_USAGE", "--repo needs a path", {
        hint: "Give each application repository's path, e.g. --repo ../api.",
      });
    configText = platformConfigText({
      name,
      repos: options.repos ?? [],
      ci,
      release: options.release ?? CURRENT_STABLE_RELEASE,
    });
  }
  const config: PavedConfig = parseConfig(configText, CONFIG_FILE).config;

  const files = await renderPlatformFiles(dir, config);
  if (!existsSync(join(dir, GITIGNORE)))
    files.push({
      path: GITIGNORE,
      content: ".direnv/\nresult\nresult-*\n.paved/rollouts/*.lock\n",
      source: "paved init --platform",
    });
  let root = existsSync(dir) ? await gitRoot(dir) : undefined;
  const gitInit = root === undefined && options.git !== false;

  const notes: string[] = [];
  if (root !== undefined && resolve(root) !== resolve(dir) && config.ci) {
    // GitHub and GitLab read pipelines only at the repository root.
    notes.push(
      `This platform lives in ${relative(root, dir)}/ of the repository at ${root}: the CI provider reads pipelines only at the repository root, so move the pipeline there and run it with working-directory ${relative(root, dir)}.`,
    );
  }
  const configChanged = before !== configText;
  const configOutcome = {
    path: CONFIG_FILE,
    status: (before === undefined ? "create" : configChanged ? "completed" : "kept") as PlatformFileOutcome["status"],
    written: false,
    added,
  };
  const change = { config: { path: CONFIG_FILE, before, after: configText }, files };
  if (dryRun) {
    const planned = await commitChange(dir, change, { force: options.force === true, dryRun: true });
    return {
      root: dir,
      gitInit,
      config: configOutcome,
      dryRun,
      diff: planned.diff,
      intentToAdd: [],
      notes,
      files: planned.changes.map((c) => ({ path: c.path, status: c.status, written: false })),
      kept: planned.kept,
    };
  }

  await mkdir(dir, { recursive: true });
  if (gitInit) {
    // Nix reads a flake in a git repository through git, and the platform repository is meant to be committed.
    const result = await exec(["git", "init", "-q"], { cwd: dir });
    if (result.exitCode !== 0)
      throw new PavedError("E_GIT_FAILED", `git init failed: ${result.stderr.trim()}`, {
        hint: "Run `git init` yourself, or pass --no-git.",
      });
    root = dir;
  }
  // paved.yaml and every platform file in one transaction: all written, or none.
  const written = await commitChange(dir, change, { force: options.force === true });
  configOutcome.written = configChanged;
  const created = [
    ...(before === undefined ? [CONFIG_FILE] : []),
    ...written.changes.filter((c) => c.status === "create").map((c) => c.path),
  ];
  const intentToAdd = root
    ? await gitIntentToAdd(
        root,
        created.map((p) => relative(root!, join(dir, p))),
      )
    : [];
  return {
    root: dir,
    gitInit,
    config: configOutcome,
    dryRun,
    diff: "",
    intentToAdd,
    kept: written.kept,
    notes,
    files: written.changes.map((c) => ({ path: c.path, status: c.status, written: written.written.includes(c.path) })),
  };
}
