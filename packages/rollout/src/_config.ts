/**
 * What a rollout needs from paved.yaml: the hosts (name → role, address, system, tags, SSH user/port) and the
 * `rollout` section. This reads the file itself until the core config loader lands on main; the shapes mirror
 * packages/core/src/config/sections/{hosts,rollout}.ts so the swap is a one-function change.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PavedError } from "@paved/core";
import { parse } from "yaml";

export interface HostEntry {
  name: string;
  role: string;
  address?: string;
  sshUser?: string;
  sshPort?: number;
  system: string;
  tags: string[];
}

export type WaveSize = number | `${number}%` | "rest" | { names?: string[]; roles?: string[]; tags?: string[] };

export interface WaveConfig {
  name: string;
  hosts: WaveSize;
  bake?: string;
  pause?: boolean;
}

export type HealthCheckConfig =
  | { type: "systemd"; units: string[] }
  | { type: "command"; run: string; timeout?: string }
  | { type: "http"; url: string; expectStatus?: number; timeout?: string };

export interface RolloutSshConfig {
  configFile?: string;
  identityFile?: string;
  knownHostsFile?: string;
  options?: string[];
  connectTimeout?: string;
}

export interface RolloutSettings {
  waves: WaveConfig[];
  concurrency: number;
  failureBudget: number | `${number}%`;
  bake: string;
  healthChecks: HealthCheckConfig[];
  /** How long checks may keep failing before the host counts as unhealthy. */
  healthTimeout: string;
  confirmTimeout: string;
  activationTimeout: string;
  mode: "switch" | "boot" | "test";
  /** The system profile on each host; `{host}` is replaced by the host name. */
  profile: string;
  /** Where the agent keeps its files on each host; `{host}` is replaced by the host name. */
  stateDir: string;
  ssh: RolloutSshConfig;
  buildHost?: string;
  substituteOnDestination: boolean;
  /** Flake reference of the platform repository (default: the repository itself). */
  flake?: string;
}

export const DEFAULT_ROLLOUT: RolloutSettings = {
  waves: [
    { name: "canary", hosts: 1 },
    { name: "early", hosts: "25%" },
    { name: "rest", hosts: "rest" },
  ],
  concurrency: 5,
  failureBudget: 0,
  bake: "0s",
  healthChecks: [],
  healthTimeout: "60s",
  confirmTimeout: "120s",
  activationTimeout: "600s",
  mode: "switch",
  profile: "/nix/var/nix/profiles/system",
  stateDir: "/var/lib/paved/rollout",
  ssh: {},
  substituteOnDestination: false,
};

export interface RolloutInputs {
  dir: string;
  hosts: HostEntry[];
  rollout: RolloutSettings;
}

export function durationMs(value: string, what: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!match) {
    throw new PavedError("E_INPUT", `${what}: expected a duration like "30s", "5m" or "1h", got ${JSON.stringify(value)}`, {
      hint: "Use a whole number followed by s, m or h.",
    });
  }
  const n = Number(match[1]);
  const unit = match[2];
  return unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
}

/** Reads paved.yaml from the platform repository. */
export async function loadRolloutInputs(dir: string): Promise<RolloutInputs> {
  const file = join(dir, "paved.yaml");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new PavedError("E_CONFIG_MISSING", `No paved.yaml in ${dir}`, {
      hint: "Run paved in the platform repository (or pass --dir), where paved.yaml lists the hosts.",
    });
  }
  let doc: Record<string, unknown>;
  try {
    doc = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (cause) {
    throw new PavedError("E_CONFIG_PARSE", `${file}: ${(cause as Error).message}`, { cause });
  }
  const rawHosts = (doc.hosts ?? {}) as Record<string, Partial<HostEntry>>;
  const hosts = Object.entries(rawHosts).map(([name, h]) => ({
    name,
    role: h.role ?? "internal",
    address: h.address,
    sshUser: h.sshUser,
    sshPort: h.sshPort,
    system: h.system ?? "x86_64-linux",
    tags: h.tags ?? [],
  }));
  const given = (doc.rollout ?? {}) as Partial<RolloutSettings>;
  const rollout: RolloutSettings = { ...DEFAULT_ROLLOUT, ...given, ssh: { ...DEFAULT_ROLLOUT.ssh, ...(given.ssh ?? {}) } };
  return { dir, hosts, rollout };
}
