/**
 * What the hosts' NixOS configurations really turn on, read with one `nix eval` of every
 * nixosConfigurations entry of the platform flake (sshd, the firewall, users, Vector/Alloy, the node exporter).
 * Status judges steps 3 and 4 from these facts, never from what paved.yaml asks for. The result is cached by a
 * hash of every input the evaluation reads (flake.nix, flake.lock, paved.yaml, team.nix, hosts/, the extra Nix
 * arguments), so an unchanged repository costs one file read. Option paths follow NixOS 26.05 and unstable:
 * services.openssh.settings.{PasswordAuthentication,PermitRootLogin}, networking.firewall.enable,
 * users.users.<name>.isNormalUser, services.vector.enable, services.alloy.enable,
 * services.prometheus.exporters.node.enable, system.stateVersion.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile, rename } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { isPavedError, nix, nixJson, renderNix } from "@paved/core";

export interface HostFacts {
  stateVersion: string | null;
  sshd: boolean;
  passwordAuthentication: boolean | null;
  permitRootLogin: string | null;
  firewall: boolean;
  /** Login accounts (isNormalUser): the roster's users as NixOS has them. */
  users: string[];
  vector: boolean;
  alloy: boolean;
  nodeExporter: boolean;
  rootFileSystem: boolean;
}

export interface Evaluation {
  /** Facts per host; a host whose configuration does not evaluate is listed in `failed` instead. */
  hosts: Record<string, HostFacts>;
  failed: string[];
  /** Why nothing could be evaluated (no flake.lock, no nix, an evaluation error); facts are then empty. */
  error?: string;
  cached: boolean;
}

export interface EvaluateOptions {
  /** Extra flake arguments, e.g. ["--override-input", "nixpkgs", "path:/srv/nixpkgs"]. */
  nixArgs?: string[];
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Bumped when the facts' shape changes, so an old cache entry is never read as a new one. */
const FACTS_VERSION = 1;

// tryEval per host: one broken host must not hide the facts of the others.
const APPLY = renderNix(nix`cs: builtins.mapAttrs (name: c:
  let
    facts = let cfg = c.config; s = cfg.services; in {
      stateVersion = cfg.system.stateVersion or null;
      sshd = s.openssh.enable or false;
      passwordAuthentication = s.openssh.settings.PasswordAuthentication or null;
      permitRootLogin = s.openssh.settings.PermitRootLogin or null;
      firewall = cfg.networking.firewall.enable or false;
      users = builtins.filter (n: cfg.users.users.\${n}.isNormalUser or false) (builtins.attrNames (cfg.users.users or {}));
      vector = s.vector.enable or false;
      alloy = s.alloy.enable or false;
      nodeExporter = s.prometheus.exporters.node.enable or false;
      rootFileSystem = (cfg.fileSystems or {}) ? "/";
    };
    tried = builtins.tryEval (builtins.deepSeq facts facts);
  in if tried.success then tried.value else null) cs`);

function cacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.PAVED_CACHE_DIR) return env.PAVED_CACHE_DIR;
  if (env.XDG_CACHE_HOME?.startsWith("/")) return join(env.XDG_CACHE_HOME, "paved");
  return join(homedir(), ".cache", "paved");
}

async function filesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

/** sha256 over every input the evaluation reads, names included (a renamed host file is a new input). */
export async function evaluationKey(dir: string, nixArgs: string[] = []): Promise<string> {
  const hash = createHash("sha256").update(`facts-v${FACTS_VERSION}\0${nixArgs.join("\0")}\0`);
  const files = ["flake.nix", "flake.lock", "paved.yaml", "team.nix", ...(await filesUnder(dir, "hosts"))];
  for (const file of files) {
    const content = await readFile(join(dir, file)).catch(() => undefined);
    hash.update(`${file}\0${content === undefined ? "-" : content.length}\0`);
    if (content) hash.update(content);
  }
  return hash.digest("hex").slice(0, 32);
}

function firstLine(error: unknown): string {
  const text = isPavedError(error) ? error.message : error instanceof Error ? error.message : String(error);
  return (
    text
      .split("\n")
      .find((l) => l.trim() !== "")
      ?.trim() ?? text
  );
}

export async function evaluateHosts(dir: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const env = options.env ?? process.env;
  // Without a lock, evaluating would mean fetching nixpkgs and paved: status reads, it does not download.
  if (!existsSync(join(dir, "flake.lock")) && !(options.nixArgs ?? []).includes("--override-input")) {
    return {
      hosts: {},
      failed: [],
      cached: false,
      error:
        "flake.lock is missing: run `nix flake lock` in the platform repository (and commit it) so the hosts can be evaluated",
    };
  }
  if (!existsSync(join(dir, "flake.nix")))
    return { hosts: {}, failed: [], cached: false, error: "flake.nix is missing: run `paved sync`" };
  const key = await evaluationKey(dir, options.nixArgs);
  const file = join(cacheRoot(env), "platform-eval", `${key}.json`);
  const hit = await readFile(file, "utf8").then(
    (t) => JSON.parse(t) as Omit<Evaluation, "cached">,
    () => undefined,
  );
  if (hit) return { ...hit, cached: true };
  let raw: Record<string, HostFacts | null>;
  try {
    raw = await nixJson<Record<string, HostFacts | null>>(
      ["eval", "--no-write-lock-file", ...(options.nixArgs ?? []), `${dir}#nixosConfigurations`, "--apply", APPLY],
      {
        cwd: dir,
        env: env as Record<string, string | undefined>,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } catch (error) {
    // Not cached: the cause (no nix, a network hiccup, a typo fixed a second later) may be gone next time.
    return { hosts: {}, failed: [], cached: false, error: `the hosts could not be evaluated: ${firstLine(error)}` };
  }
  const out: Omit<Evaluation, "cached"> = { hosts: {}, failed: [] };
  for (const [name, facts] of Object.entries(raw)) {
    if (facts) out.hosts[name] = facts;
    else out.failed.push(name);
  }
  await mkdir(join(cacheRoot(env), "platform-eval"), { recursive: true })
    .then(async () => {
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(out));
      await rename(temp, file);
    })
    .catch(() => {});
  return { ...out, cached: false };
}
