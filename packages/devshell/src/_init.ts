/**
 * `paved init` for an application repository: detect, write paved.yaml (shells), flake.nix and .envrc as one
 * set, then `git add -N` the new files so Nix can see them. Re-running changes nothing unless the repository's
 * own pins changed. Nothing is written when detection or validation fails.
 */
import { existsSync, realpathSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  CONFIG_FILE,
  editConfig,
  formatPlanDiff,
  gitIgnoredPaths,
  gitIntentToAdd,
  loadConfig,
  planFiles,
  renderConfig,
  requireGitRoot,
  unifiedDiff,
  untrackedPaths,
  commitChange,
  nixpkgsBranch,
  parseHeader,
  setConfigValue,
  validateConfig,
  type FileStatus,
  type PavedConfig,
} from "@paved/core";
import { detectProject, type DetectResult } from "./_detect.ts";
import { applyShells, newShells, type ShellChange } from "./_shellconfig.ts";
import { verifyAttributes, type Verification } from "./_verify.ts";
import { ADOPTED_FLAKE_DIR, ENVRC_FILE, FLAKE_FILE, pavedFlakeDir, renderDevshellFiles } from "./render/_files.ts";

export interface InitOptions {
  dir: string;
  dryRun?: boolean;
  /** Overwrite flake.nix/.envrc even when a person edited them. */
  force?: boolean;
  /** A local nixpkgs (checkout or mirror) to check attribute names and versions against. */
  nixpkgs?: string;
  /** NixOS release to map to; written to paved.yaml (default: paved.yaml's, else the current stable). */
  release?: string;
  /** Never take a toolchain from another release than the pinned one (a line only another release has is named). */
  pinnedOnly?: boolean;
  signal?: AbortSignal;
  /** Environment for the one `nix eval` (tests pass NIX_CONFIG). */
  env?: Record<string, string | undefined>;
}

export interface FileOutcome {
  path: string;
  status: FileStatus;
  written: boolean;
}

export interface InitResult {
  root: string;
  detected: DetectResult;
  config: FileOutcome & { changes: ShellChange[] };
  files: FileOutcome[];
  /** Files kept because a person edited them (rerun with --force to overwrite). */
  kept: string[];
  /** Generated `.envrc` files of dropped shells, removed (or, with --dry-run, to be removed). */
  removed: string[];
  /** New files passed to `git add -N`. */
  intentToAdd: string[];
  verification?: Verification;
  dryRun: boolean;
  /** Unified diff of everything that would change (always filled; printed for --dry-run). */
  diff: string;
  /**
   * Set when the repository has a flake.nix of its own: paved's shells live in a subflake (nix/paved) and the
   * team's flake.nix is neither read nor changed.
   */
  adopted?: { flake: string; pavedFlake: string; review: string[] };
  /** Things a person should know that do not make init fail (a gitignored .envrc). */
  warnings: string[];
}

async function nextConfig(
  root: string,
  loaded: { config: PavedConfig } | undefined,
  releaseOverride: string | undefined,
  detected: () => DetectResult,
): Promise<{
  text: string;
  before?: string;
  config: PavedConfig;
  changes: ShellChange[];
  detected: DetectResult;
}> {
  if (!loaded) {
    const result = detected();
    // Validated as a value here; renderConfig writes exactly that value, so the text needs no second parse.
    const config = validateConfig({
      version: 1,
      nixpkgs: { release: result.release },
      shells: newShells(result.planned),
    });
    return {
      text: renderConfig(config, { validated: true }),
      config,
      changes: result.planned.map((s) => ({ shell: s.name, kind: "add-shell", detail: `shell ${s.name} added` })),
      detected: result,
    };
  }
  // An invalid paved.yaml (unknown toolchain, bad release) stopped at loadConfig with file:line:col, before anything is written.
  const result = detected();
  let changes: ShellChange[] = [];
  // editConfig validates the edited text itself (problems name its lines), so its config is the one to render.
  const edit = await editConfig(
    root,
    (doc) => {
      changes = applyShells(doc, loaded.config.shells, result.planned);
      if (
        releaseOverride !== undefined &&
        nixpkgsBranch(releaseOverride) !== nixpkgsBranch(loaded.config.nixpkgs.release)
      ) {
        setConfigValue(doc, ["nixpkgs", "release"], releaseOverride);
        changes.push({ shell: "", kind: "set-release", detail: `nixpkgs.release: ${releaseOverride}` });
      }
    },
    { dryRun: true },
  );
  return { text: edit.after, before: edit.before, config: edit.config, changes, detected: result };
}

export async function initProject(options: InitOptions): Promise<InitResult> {
  const root = options.dir;
  const top = await requireGitRoot(root);
  let release = options.release;
  let globs: { include?: string[]; exclude?: string[] } = {};
  // Read once: an invalid paved.yaml stops here with file:line:col, before anything is written.
  const loaded = existsSync(join(root, CONFIG_FILE)) ? await loadConfig(root) : undefined;
  if (loaded) {
    release ??= loaded.config.nixpkgs.release;
    globs = { include: loaded.config.detect.include, exclude: loaded.config.detect.exclude };
  }
  const next = await nextConfig(root, loaded, options.release, () =>
    detectProject(root, { ...(release ? { release } : {}), ...globs, pinnedOnly: options.pinnedOnly === true }),
  );
  const config = next.config;
  const files = renderDevshellFiles(root, config);
  const verification =
    options.nixpkgs !== undefined || config.nixpkgs.path !== undefined
      ? await verifyAttributes(root, config, {
          ...(options.nixpkgs ? { nixpkgs: options.nixpkgs } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.env ? { env: options.env } : {}),
        })
      : undefined;
  const changes = await planFiles(root, files, { force: options.force === true });
  // A dropped shell leaves its generated .envrc behind, and direnv would keep asking for a shell that is gone.
  const stale = await staleEnvrcs(root, next.changes);
  const configStatus: FileStatus =
    next.before === undefined ? "create" : next.before === next.text ? "unchanged" : "update";
  const configDiff = configStatus === "unchanged" ? "" : unifiedDiff(CONFIG_FILE, next.before, next.text);
  const diff = [configDiff, formatPlanDiff(changes), ...stale.map((f) => unifiedDiff(f.path, f.content, undefined))]
    .filter(Boolean)
    .join("\n");
  // A first paved.yaml below the repository's top makes this directory the root of its shells: say so before it sticks.
  const below =
    !existsSync(join(root, CONFIG_FILE)) && realpathSync(top) !== realpathSync(root)
      ? [
          `${root} is not the top of its git repository (${top}): paved.yaml here makes this directory the root of its dev shells and leaves the rest of the repository out. To cover the whole repository, run \`paved init\` in ${top} instead.`,
        ]
      : [];
  const flakeDir = pavedFlakeDir(root);
  const adopted =
    flakeDir === ""
      ? undefined
      : {
          flake: FLAKE_FILE,
          pavedFlake: `${ADOPTED_FLAKE_DIR}/${FLAKE_FILE}`,
          review: [
            `${ADOPTED_FLAKE_DIR}/${FLAKE_FILE}`,
            CONFIG_FILE,
            ...files.filter((f) => f.path.endsWith(ENVRC_FILE)).map((f) => f.path),
          ],
        };
  const base = {
    root,
    detected: next.detected,
    ...(adopted ? { adopted } : {}),
    ...(verification ? { verification } : {}),
    diff,
  };
  if (options.dryRun) {
    return {
      ...base,
      config: { path: CONFIG_FILE, status: configStatus, written: false, changes: next.changes },
      files: changes.map((c) => ({ path: c.path, status: c.status, written: false })),
      kept: [
        ...changes.filter((c) => !c.write && (c.status === "edited" || c.status === "foreign")).map((c) => c.path),
        ...stale.filter((f) => !f.intact).map((f) => f.path),
      ],
      removed: stale.filter((f) => f.intact).map((f) => f.path),
      intentToAdd: [],
      dryRun: true,
      warnings: below,
    };
  }
  // paved.yaml and the shells' files in one transaction: all written, or none.
  const written = await commitChange(
    root,
    { config: { path: CONFIG_FILE, before: next.before, after: next.text }, files },
    { force: options.force === true },
  );
  const removed: string[] = [];
  for (const f of stale) {
    if (!f.intact) continue;
    await rm(join(root, f.path), { force: true });
    removed.push(f.path);
  }
  const newFiles = [
    ...(configStatus === "create" ? [CONFIG_FILE] : []),
    ...written.changes.filter((c) => c.status === "create" && c.write).map((c) => c.path),
  ];
  const [ignored, untracked] = await Promise.all([gitIgnoredPaths(root, newFiles), untrackedPaths(root, newFiles)]);
  const intentToAdd = await gitIntentToAdd(root, newFiles, { ignored, untracked });
  const warnings = [
    ...below,
    ...ignored.map((f) =>
      f.endsWith(ENVRC_FILE)
        ? `${f} is ignored by git (.gitignore): direnv still reads it, but teammates will not get it. To share it, remove the .envrc pattern from .gitignore, or \`git add -f ${f}\`.`
        : `${f} is ignored by git (.gitignore), so Nix cannot see it: run \`git add -f -N ${f}\`, or remove its pattern from .gitignore.`,
    ),
  ];
  return {
    ...base,
    config: { path: CONFIG_FILE, status: configStatus, written: configStatus !== "unchanged", changes: next.changes },
    files: written.changes.map((c) => ({ path: c.path, status: c.status, written: written.written.includes(c.path) })),
    kept: [...written.kept, ...stale.filter((f) => !f.intact).map((f) => f.path)],
    removed,
    intentToAdd,
    dryRun: false,
    warnings,
  };
}

/** The .envrc files of dropped shells that still exist; `intact` ones are paved's and unedited, so safe to remove. */
async function staleEnvrcs(
  root: string,
  changes: ShellChange[],
): Promise<{ path: string; content: string; intact: boolean }[]> {
  const out: { path: string; content: string; intact: boolean }[] = [];
  for (const change of changes) {
    if (change.kind !== "drop-shell" || change.dir === undefined) continue;
    const path = `${change.dir}/${ENVRC_FILE}`;
    let content: string;
    try {
      content = await readFile(join(root, path), "utf8");
    } catch {
      continue;
    }
    out.push({ path, content, intact: parseHeader(content)?.intact === true });
  }
  return out;
}
