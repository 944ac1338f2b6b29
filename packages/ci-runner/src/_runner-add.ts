import {
  assertNoSecret,
  assertSecretPath,
  commitChange,
  configEdit,
  editConfig,
  loadConfig,
  looksLikeSecret,
  PavedError,
  setConfigValue,
  stateVersionFor,
  type FileChange,
  type GeneratedFile,
  type PavedConfig,
} from "@paved/core";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { renderPlatformFlake, TEAM_FILE } from "@paved/core";
import { renderHardwareStarter, renderRunnerHost, runnerHardwareFile } from "./_runner-host.ts";
import type { CiProvider, HostSettings, Step1Config } from "./_types.ts";

export interface RunnerAddOptions {
  /** Platform repository root (holds paved.yaml). */
  dir: string;
  name: string;
  provider: CiProvider;
  url: string;
  /** Path of the token file on the runner host. Never the token. */
  tokenFile: string;
  count?: number;
  labels?: string[];
  dryRun?: boolean;
  /** Replace an existing host of that name, and overwrite a hand-edited hosts/NAME.nix. */
  force?: boolean;
  /** The repository's whole generated set for a config (the platform package passes every step's files). */
  render?: (root: string, config: PavedConfig) => Promise<GeneratedFile[]>;
}

export interface RunnerAddResult {
  name: string;
  /** paved.yaml as it is after the change (or would be, with dryRun). */
  config: PavedConfig;
  host: HostSettings;
  changes: Pick<FileChange, "path" | "status" | "write">[];
  written: string[];
  kept: string[];
  diff: string;
  dryRun: boolean;
}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function runnerHostPath(name: string): string {
  return `hosts/${name}.nix`;
}

/** Inputs that land in paved.yaml and Nix code must not be pasted tokens either (`--url …?token=ghp_…`). */
function refuseSecretLiteral(value: string, label: string): void {
  assertNoSecret(value, label, { entropy: !/\s/.test(value.trim()) });
}

function checkInputs(options: RunnerAddOptions): HostSettings {
  // First, before anything else is looked at or echoed: the token file, then every other free-text input.
  if (!options.tokenFile.trim().startsWith("/") && !looksLikeSecret(options.tokenFile)) {
    // Unprefixed registration tokens look like any word: refuse without repeating the value.
    throw new PavedError(
      "E_INPUT",
      "--token-file: expected an absolute path to a secret file outside the Nix store (the value is not shown in case it is a token)",
      {
        hint: "Pass the path of the token file on the runner host, e.g. /run/secrets/ci-runner-token, never the token itself.",
        details: { label: "--token-file" },
      },
    );
  }
  assertSecretPath(options.tokenFile, "--token-file");
  refuseSecretLiteral(options.name, "NAME");
  refuseSecretLiteral(options.url, "--url");
  for (const label of options.labels ?? []) refuseSecretLiteral(label, "--labels");
  if (!HOST_NAME.test(options.name)) {
    throw new PavedError("E_USAGE", `invalid host name ${JSON.stringify(options.name)}`, {
      hint: "Use lower-case letters, digits and - (at most 63, no - at either end), e.g. ci-1.",
    });
  }
  if (options.provider !== "github" && options.provider !== "gitlab") {
    throw new PavedError("E_USAGE", `unknown provider ${JSON.stringify(options.provider)}`, {
      hint: "Use --provider github or --provider gitlab.",
    });
  }
  if (/^https?:\/\/[^/]*@/.test(options.url)) {
    throw new PavedError(
      "E_SECRET_LITERAL",
      "--url must not carry credentials (user:token@…); the value is not shown",
      {
        hint: "Give the plain URL, e.g. https://github.com/acme, and put the token in the file named by --token-file.",
        details: { label: "--url" },
      },
    );
  }
  if (!/^https:\/\/[^\s]+$/.test(options.url)) {
    throw new PavedError("E_USAGE", `--url must be an https URL, got ${JSON.stringify(options.url)}`, {
      hint:
        options.provider === "github"
          ? "e.g. https://github.com/acme (organisation) or https://github.com/acme/app"
          : "e.g. https://gitlab.com or your GitLab instance",
    });
  }
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new PavedError("E_USAGE", `--count must be a whole number from 1 to 64, got ${count}`, {
      hint: "e.g. --count 4",
    });
  const labels = [...new Set(options.labels ?? [])];
  return {
    role: "ci-runner",
    runner: { provider: options.provider, url: options.url, tokenFile: options.tokenFile, count, labels },
  };
}

/**
 * `paved runner add`: a CI runner host in a platform repository. Adds hosts.NAME (role ci-runner) to paved.yaml
 * and renders hosts/NAME.nix. Inputs are checked before paved.yaml is read, so a pasted token is refused before
 * anything could be written; the config and the file are validated before either is written.
 */
export async function runnerAdd(options: RunnerAddOptions): Promise<RunnerAddResult> {
  const inputs = checkInputs(options);
  const { config: current } = await loadConfig(options.dir);
  const existing = current.hosts[options.name];
  if (existing && !options.force) {
    throw new PavedError("E_INPUT", `host ${options.name} already exists in paved.yaml (role ${existing.role})`, {
      hint: "Pick another name, or rerun with --force to replace it.",
    });
  }
  // The release the host is installed with, recorded once: a replaced host keeps its own.
  const host = { ...inputs, stateVersion: existing?.stateVersion ?? stateVersionFor(current) };
  const edit = await editConfig(options.dir, (doc) => setConfigValue(doc, ["hosts", options.name], host), {
    dryRun: true,
  });
  const saved = edit.config.hosts[options.name]! as HostSettings;
  const hardware = `hosts/${runnerHardwareFile(options.name)}`;
  const rendered: GeneratedFile[] = options.render
    ? await options.render(options.dir, edit.config)
    : [
        {
          path: runnerHostPath(options.name),
          content: renderRunnerHost(options.name, saved, edit.config as Step1Config),
        },
        // nixosConfigurations.NAME: core renders the whole platform flake from paved.yaml's hosts.
        renderPlatformFlake(edit.config, { team: existsSync(join(options.dir, TEAM_FILE)) }),
      ];
  const files: GeneratedFile[] = [
    ...rendered,
    // Created once, without a header: it belongs to people from the start and is never overwritten.
    ...(existsSync(join(options.dir, hardware))
      ? []
      : [{ path: hardware, content: renderHardwareStarter(options.name), comment: "none" as const }]),
  ];
  const dryRun = options.dryRun === true;
  // paved.yaml and every file in one transaction: all written, or none.
  const result = await commitChange(
    options.dir,
    { config: configEdit(options.dir, edit), files },
    { force: options.force === true, dryRun },
  );
  return {
    name: options.name,
    config: edit.config,
    host: saved,
    changes: result.changes.map(({ path, status, write }) => ({ path, status, write })),
    written: result.written,
    kept: result.kept,
    diff: result.diff,
    dryRun,
  };
}
