import {
  commitChange,
  configEdit,
  editConfig,
  loadConfig,
  looksLikeSecret,
  maskSecret,
  PavedError,
  setConfigValue,
  type FileChange,
  type GeneratedFile,
  type PavedConfig,
} from "@paved/core";
import { DEFAULT_NIX_VERSION } from "./_pins.ts";
import { renderCiFiles } from "./_render.ts";
import type { CiProvider } from "./_types.ts";

export interface CiInitOptions {
  /** Repository root holding paved.yaml. */
  dir: string;
  provider: CiProvider;
  /** Nix version the pipeline installs (default: the release paved pins). */
  nixVersion?: string;
  /** Show what would change, write nothing. */
  dryRun?: boolean;
  /** Overwrite hand-edited or foreign CI files, and switch an existing `ci` section to another provider. */
  force?: boolean;
  /** The repository's whole generated set for a config (the platform package passes every step's files). */
  render?: (root: string, config: PavedConfig) => Promise<GeneratedFile[]>;
}

export interface CiInitResult {
  provider: CiProvider;
  /** Whether paved.yaml's `ci` section changed (or would, with dryRun). */
  configChanged: boolean;
  changes: Pick<FileChange, "path" | "status" | "write">[];
  written: string[];
  /** CI files kept because a person edited them (rerun with force). */
  kept: string[];
  /** Things a person should know, e.g. that no dev shell is defined yet. */
  notes: string[];
  /** Unified diff of paved.yaml and the CI files (what --dry-run prints). */
  diff: string;
  dryRun: boolean;
}

const PROVIDERS: readonly CiProvider[] = ["github", "gitlab"];

/**
 * `paved ci init`: record the provider in paved.yaml's `ci` section and render the pipeline. The new config is
 * validated and the files planned before anything is written; paved.yaml and the files are one transaction, so
 * a failure leaves the repository as it was.
 */
export async function ciInit(options: CiInitOptions): Promise<CiInitResult> {
  if (!PROVIDERS.includes(options.provider)) {
    throw new PavedError("E_USAGE", `unknown CI provider ${JSON.stringify(options.provider)}`, {
      hint: "Use --provider github or --provider gitlab.",
    });
  }
  if (options.nixVersion !== undefined && !/^[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(options.nixVersion)) {
    const secret = looksLikeSecret(options.nixVersion);
    throw new PavedError(
      secret ? "E_SECRET_LITERAL" : "E_USAGE",
      `--nix-version: expected a Nix version like 2.35.2, got ${secret ? `what looks like a secret (${maskSecret(options.nixVersion)})` : JSON.stringify(options.nixVersion)}`,
      {
        hint: "Pass a released Nix version, e.g. --nix-version 2.35.2.",
      },
    );
  }
  const { config: current } = await loadConfig(options.dir);
  if (current.ci && current.ci.provider !== options.provider && !options.force) {
    throw new PavedError(
      "E_INPUT",
      `paved.yaml already sets up CI for ${current.ci.provider}, not ${options.provider}`,
      {
        hint: `Rerun with --force to switch to ${options.provider} (the ${current.ci.provider} file stays; delete it or run \`paved eject\`).`,
        details: { current: current.ci.provider, requested: options.provider },
      },
    );
  }
  const edit = await editConfig(
    options.dir,
    (doc) => {
      setConfigValue(doc, ["ci", "provider"], options.provider);
      // The pin lives in paved.yaml so an upgrade is a reviewed one-line change.
      if (options.nixVersion || !current.ci?.nixVersion)
        setConfigValue(doc, ["ci", "nixVersion"], options.nixVersion ?? DEFAULT_NIX_VERSION);
    },
    { dryRun: true },
  );
  const files = options.render
    ? await options.render(options.dir, edit.config)
    : renderCiFiles(options.dir, edit.config);
  const dryRun = options.dryRun === true;
  // The exact text validated above (comments and layout kept by editConfig) and the files: all written, or none.
  const result = await commitChange(
    options.dir,
    { config: configEdit(options.dir, edit), files },
    { force: options.force === true, dryRun },
  );
  const notes =
    Object.keys(edit.config.shells).length === 0
      ? [
          "paved.yaml defines no dev shells yet, so the pipeline only runs `nix flake check`. Run `paved init` to detect them, then `paved sync`.",
        ]
      : [];
  return {
    provider: options.provider,
    configChanged: edit.changed,
    changes: result.changes.map(({ path, status, write }) => ({ path, status, write })),
    written: result.written,
    kept: result.kept,
    notes,
    diff: result.diff,
    dryRun,
  };
}
