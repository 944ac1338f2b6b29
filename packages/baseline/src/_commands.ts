/**
 * `paved host add`, `paved team add` and `paved team remove`: edit paved.yaml through the core config API and
 * render the platform files that follow from it (flake.nix, team.nix, hosts/NAME.nix). Every input is checked
 * and every file rendered before anything is written; bad input changes nothing.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  addToConfigList,
  deleteConfigValue,
  didYouMean,
  commitChange,
  configEdit,
  editConfig,
  loadConfig,
  looksLikeSecret,
  maskSecret,
  PavedError,
  renderPlatformFlake,
  setConfigValue,
  type FileChange,
  type GeneratedFile,
  type PavedConfig,
} from "@paved/core";
import { hostModules, renderRoleHost, ROLE_HOST_ROLES, stateVersionFor } from "./_hosts.ts";
import { looksLikePrivateKey, parsePublicKey } from "./_keys.ts";
import { renderTeamFile } from "./_team.ts";

export interface WriteFlags {
  /** paved.yaml directory (the platform repository). */
  dir: string;
  /** Show what would change, write nothing. */
  dryRun?: boolean;
  /** Overwrite generated files a person edited. */
  force?: boolean;
  /**
   * The repository's whole generated set for a config. The platform package passes its own (every step's files);
   * alone, this package renders the files it owns.
   */
  render?: (root: string, config: PavedConfig) => Promise<GeneratedFile[]>;
}

export interface PlatformChange {
  config: PavedConfig;
  /** paved.yaml before and after (equal when unchanged). */
  configBefore: string;
  configAfter: string;
  files: FileChange[];
  written: string[];
  /** Generated files left alone because a person edited them (use force). */
  kept: string[];
  dryRun: boolean;
}

/** Every platform file this package and core render from the config: flake.nix, team.nix, hosts of our roles. */
export async function platformFiles(config: PavedConfig, root: string): Promise<GeneratedFile[]> {
  const team = await renderTeamFile(config, root);
  const hosts = Object.entries(config.hosts)
    .filter(([, host]) => (ROLE_HOST_ROLES as readonly string[]).includes(host.role))
    .map(([name, host]) => renderRoleHost(name, host, config));
  return [renderPlatformFlake(config, { team: team !== undefined }), ...(team ? [team] : []), ...hosts];
}

/** Validates the edit and renders everything first; then writes the files and paved.yaml together (unless dryRun). */
type ConfigEdit = Parameters<typeof editConfig>[1];

async function applyEdit(flags: WriteFlags, edit: ConfigEdit): Promise<PlatformChange> {
  const root = resolve(flags.dir);
  const preview = await editConfig(root, edit, { dryRun: true });
  const files = flags.render ? await flags.render(root, preview.config) : await platformFiles(preview.config, root);
  // paved.yaml and every file in one transaction: all written, or none.
  const result = await commitChange(
    root,
    { config: configEdit(root, preview), files },
    { force: flags.force === true, dryRun: flags.dryRun === true },
  );
  return {
    config: preview.config,
    configBefore: preview.before,
    configAfter: preview.after,
    files: result.changes,
    written: result.written.filter((p) => p !== result.config?.path),
    kept: result.kept,
    dryRun: result.dryRun,
  };
}

export interface HostAddOptions extends WriteFlags {
  name: string;
  role: string;
  /** How paved reaches the host over SSH (default: its name). */
  address?: string;
  system?: string;
}

export async function hostAdd(options: HostAddOptions): Promise<PlatformChange> {
  if (!(ROLE_HOST_ROLES as readonly string[]).includes(options.role)) {
    const suggestion = didYouMean(options.role, ROLE_HOST_ROLES);
    throw new PavedError(
      "E_INPUT",
      `unknown role "${options.role}"${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
      {
        hint: `Roles: ${ROLE_HOST_ROLES.join(", ")}. CI runner hosts are added by the CI step.`,
        details: { role: options.role },
      },
    );
  }
  const { config } = await loadConfig(resolve(options.dir));
  const existing = config.hosts[options.name];
  if (existing) {
    throw new PavedError("E_INPUT", `host ${options.name} already exists (role ${existing.role})`, {
      hint: `Pick another name, or change hosts.${options.name} in paved.yaml.`,
      details: { host: options.name },
    });
  }
  const entry = {
    role: options.role,
    ...(options.address === undefined ? {} : { address: options.address }),
    ...(options.system === undefined ? {} : { system: options.system }),
    stateVersion: stateVersionFor(config),
  };
  return applyEdit(options, (doc) => setConfigValue(doc, ["hosts", options.name], entry));
}

export interface TeamAddOptions extends WriteFlags {
  user: string;
  /** Path of a public key file (.pub), relative to the current directory. */
  keyFile: string;
  groups?: string[];
  /** Last day of access, YYYY-MM-DD. */
  expires?: string;
  jumpOnly?: boolean;
}

async function readKeyFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PavedError(
      "E_FILE_READ",
      `cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: "Pass the path of a public key, e.g. --key ~/.ssh/id_ed25519.pub.",
        details: { file },
      },
    );
  }
  return parsePublicKey(text, file).line;
}

/** Adds a user to the roster, or one more key and more groups to a user already on it. */
export async function teamAdd(options: TeamAddOptions): Promise<PlatformChange> {
  if (looksLikePrivateKey(options.keyFile)) {
    throw new PavedError(
      "E_SECRET_LITERAL",
      "--key was given a private key instead of a file path; it was not stored",
      { hint: "Pass the path of the .pub file." },
    );
  }
  // A pasted token would otherwise end up echoed in the "cannot read the key file" message.
  if (looksLikeSecret(options.keyFile)) {
    throw new PavedError(
      "E_SECRET_LITERAL",
      `--key was given what looks like a literal secret (${maskSecret(options.keyFile)}) instead of a file path; it was not stored`,
      {
        hint: "Pass the path of the user's SSH public key (.pub file), and revoke the token if it was shared.",
      },
    );
  }
  const key = await readKeyFile(options.keyFile);
  const { config } = await loadConfig(resolve(options.dir));
  const known = ["wheel", ...(config.team?.groups ?? [])];
  for (const group of options.groups ?? []) {
    if (known.includes(group)) continue;
    const suggestion = didYouMean(group, known);
    throw new PavedError(
      "E_INPUT",
      `group "${group}" does not exist in the roster${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
      {
        hint: `Groups: ${known.join(", ")}. Add new groups under team.groups in paved.yaml first.`,
        details: { group },
      },
    );
  }
  const current = config.team?.users[options.user];
  if (
    current &&
    (options.jumpOnly ?? current.jumpOnly) &&
    [...current.groups, ...(options.groups ?? [])].includes("wheel")
  ) {
    throw new PavedError("E_INPUT", `${options.user} cannot be jump-only and in wheel`, {
      hint: "Drop --jump-only or the wheel group.",
    });
  }
  if (!current && options.jumpOnly && options.groups?.includes("wheel")) {
    throw new PavedError("E_INPUT", `${options.user} cannot be jump-only and in wheel`, {
      hint: "Drop --jump-only or the wheel group.",
    });
  }
  const base = ["team", "users", options.user];
  return applyEdit(options, (doc) => {
    addToConfigList(doc, [...base, "keys"], key, { unique: true });
    for (const group of options.groups ?? []) addToConfigList(doc, [...base, "groups"], group, { unique: true });
    if (options.expires !== undefined) setConfigValue(doc, [...base, "expires"], options.expires);
    if (options.jumpOnly !== undefined) setConfigValue(doc, [...base, "jumpOnly"], options.jumpOnly);
  });
}

export interface TeamRemoveOptions extends WriteFlags {
  user: string;
}

/** Takes a user off the roster; their account and keys go on each host's next deploy. */
export async function teamRemove(options: TeamRemoveOptions): Promise<PlatformChange> {
  const { config } = await loadConfig(resolve(options.dir));
  const users = config.team?.users ?? {};
  if (!users[options.user]) {
    const suggestion = didYouMean(options.user, Object.keys(users));
    throw new PavedError(
      "E_INPUT",
      `${options.user} is not on the roster${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
      {
        hint: "`paved status` lists the roster.",
        details: { user: options.user },
      },
    );
  }
  const admins = Object.entries(users).filter(([name, u]) => name !== options.user && u.groups.includes("wheel"));
  const baselined = Object.values(config.hosts).some((host) => hostModules(host, config).baseline);
  if (users[options.user]!.groups.includes("wheel") && admins.length === 0 && baselined) {
    throw new PavedError(
      "E_INPUT",
      `${options.user} is the last wheel user; removing them would lock everyone out of the hosts`,
      {
        hint: "Add another administrator first (paved team add NAME --key FILE --groups wheel).",
      },
    );
  }
  return applyEdit(options, (doc) => {
    deleteConfigValue(doc, ["team", "users", options.user]);
  });
}
