/**
 * `paved shell add PKG…` / `paved shell remove PKG…`: edit a shell's `packages` in paved.yaml and re-render
 * flake.nix and .envrc. A new attribute is checked with one real `nix eval` against the nixpkgs the flake
 * uses (--nixpkgs, else paved.yaml's nixpkgs.path, else the flake's own input); a missing one is an error
 * with near matches, and nothing changes.
 */
import {
  addToConfigList,
  commitChange,
  configEdit,
  editConfig,
  formatPlanDiff,
  loadConfig,
  nixpkgsBranch,
  PavedError,
  planFiles,
  removeFromConfigList,
  unifiedDiff,
  requireGitRoot,
  type PavedConfig,
} from "@paved/core";
import { probeAttributes } from "./nixpkgs/_probe.ts";
import { releaseTable } from "./nixpkgs/_tables.ts";
import { renderDevshellFiles } from "./render/_files.ts";

export interface EditPackagesOptions {
  dir: string;
  packages: string[];
  /** Shell to edit (default `default`). */
  shell?: string;
  /** Local nixpkgs to check names against. */
  nixpkgs?: string;
  dryRun?: boolean;
  force?: boolean;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
}

export interface EditPackagesResult {
  shell: string;
  added: string[];
  removed: string[];
  /** Already there (add) or not there (remove): nothing to do. */
  unchanged: string[];
  versions: Record<string, string>;
  files: { path: string; status: string; written: boolean }[];
  kept: string[];
  diff: string;
  dryRun: boolean;
  /** Unfree packages the user added: allowed by name, with the free alternative named. */
  notes: string[];
}

const ATTR = /^[A-Za-z_][A-Za-z0-9_'-]*(\.[A-Za-z_][A-Za-z0-9_'-]*)*$/;
/** Known unfree packages and their free alternatives. */
const UNFREE_ALTERNATIVES: Record<string, string> = { terraform: "opentofu", vault: "openbao" };

function requireShell(config: PavedConfig, name: string): void {
  if (config.shells[name]) return;
  const names = Object.keys(config.shells);
  throw new PavedError("E_SHELL_UNKNOWN", `paved.yaml has no shell named ${JSON.stringify(name)}`, {
    hint: names.length
      ? `Shells: ${names.join(", ")}. Run \`paved init\` to detect sub-project shells.`
      : "Run `paved init` first.",
    details: { shell: name, shells: names },
  });
}

async function apply(options: EditPackagesOptions, mode: "add" | "remove"): Promise<EditPackagesResult> {
  const root = options.dir;
  await requireGitRoot(root);
  const shellName = options.shell ?? "default";
  const { config } = await loadConfig(root);
  requireShell(config, shellName);
  const bad = options.packages.filter((p) => !ATTR.test(p));
  if (bad.length > 0) {
    throw new PavedError("E_INPUT", `not a nixpkgs attribute name: ${bad.join(", ")}`, {
      hint: "Use attribute names such as jq, nodePackages.typescript or python313Packages.pytest.",
    });
  }
  const current = config.shells[shellName]!.packages;
  const changing =
    mode === "add"
      ? options.packages.filter((p) => !current.includes(p))
      : options.packages.filter((p) => current.includes(p));
  const unchanged = options.packages.filter((p) => !changing.includes(p));
  let versions: Record<string, string> = {};
  if (mode === "add" && changing.length > 0) {
    const probe = await probeAttributes(root, changing, {
      nixpkgs: config.nixpkgs,
      ...(options.nixpkgs ? { override: options.nixpkgs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    const missing = changing.filter((p) => probe.found[p] === null);
    if (missing.length > 0) {
      const lines = missing.map(
        (m) => `  ${m}${probe.near[m]?.length ? ` (did you mean ${probe.near[m]!.join(", ")}?)` : ""}`,
      );
      throw new PavedError("E_NIXPKGS_ATTR", `not in the pinned nixpkgs (${probe.source}):\n${lines.join("\n")}`, {
        hint: "Check the name at https://search.nixos.org/packages for the release in paved.yaml; nothing was changed.",
        details: { missing, near: probe.near, source: probe.source },
      });
    }
    versions = Object.fromEntries(Object.entries(probe.found).filter((e): e is [string, string] => e[1] !== null));
  }
  if (mode === "remove" && unchanged.length > 0 && changing.length === 0) {
    const declared = current.length ? current.join(", ") : "none";
    throw new PavedError(
      "E_INPUT",
      `shell ${shellName} does not list ${unchanged.join(", ")} in packages (it has: ${declared})`,
      {
        hint: "Toolchains (node, go, …) come from the repository's own pins; change those files, or the toolchains entry in paved.yaml.",
      },
    );
  }
  const notes: string[] = [];
  // Adding nodejs_24 next to a node toolchain puts two Nodes on PATH; say how to switch instead.
  const table = releaseTable(nixpkgsBranch(config.nixpkgs.release)).table;
  for (const p of mode === "add" ? changing : []) {
    for (const [toolchain, entry] of Object.entries(table)) {
      if (!entry?.lines.some((l) => l.attr === p) || !(toolchain in config.shells[shellName]!.toolchains)) continue;
      notes.push(
        `${p} is also a ${toolchain} toolchain line; shell ${shellName} already pins ${toolchain}. To switch instead of adding a second one, set shells.${shellName}.toolchains.${toolchain}.attr: ${p} in paved.yaml.`,
      );
    }
  }
  const newUnfree = mode === "add" ? changing.filter((p) => UNFREE_ALTERNATIVES[p] !== undefined) : [];
  for (const u of newUnfree)
    notes.push(
      `${u} is unfree: allowed by name in shells.${shellName}.unfree. ${UNFREE_ALTERNATIVES[u]} is the free alternative.`,
    );
  const edit = await editConfig(
    root,
    (doc) => {
      for (const p of changing) {
        if (mode === "add") addToConfigList(doc, ["shells", shellName, "packages"], p, { unique: true });
        else removeFromConfigList(doc, ["shells", shellName, "packages"], p);
      }
      for (const u of newUnfree) addToConfigList(doc, ["shells", shellName, "unfree"], u, { unique: true });
    },
    { dryRun: true },
  );
  const files = renderDevshellFiles(root, edit.config);
  const result = {
    shell: shellName,
    added: mode === "add" ? changing : [],
    removed: mode === "remove" ? changing : [],
    unchanged,
    versions,
    notes,
  };
  if (options.dryRun) {
    const plan = await planFiles(root, files, { force: options.force === true });
    return {
      ...result,
      files: plan.map((c) => ({ path: c.path, status: c.status, written: false })),
      kept: plan.filter((c) => !c.write && (c.status === "edited" || c.status === "foreign")).map((c) => c.path),
      diff: [unifiedDiff("paved.yaml", edit.before, edit.after), formatPlanDiff(plan)].filter(Boolean).join("\n"),
      dryRun: true,
    };
  }
  // paved.yaml and the shell's files in one transaction: all written, or none.
  const written = await commitChange(
    root,
    { config: configEdit(root, edit), files },
    { force: options.force === true },
  );
  return {
    ...result,
    files: written.changes.map((c) => ({ path: c.path, status: c.status, written: written.written.includes(c.path) })),
    kept: written.kept,
    diff: formatPlanDiff(written.changes),
    dryRun: false,
  };
}

export function addPackages(options: EditPackagesOptions): Promise<EditPackagesResult> {
  return apply(options, "add");
}

export function removePackages(options: EditPackagesOptions): Promise<EditPackagesResult> {
  return apply(options, "remove");
}
