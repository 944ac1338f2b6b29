/**
 * What a rollout needs from paved.yaml: the hosts (name → role, address, system, tags, SSH user/port) and the
 * `rollout` section (packages/core/src/config/sections/rollout.ts), read with the core loader so bad input
 * gets file:line:col errors.
 */
import {
  CONFIG_VERSION,
  loadConfig,
  PavedError,
  validateConfig,
  type HealthCheck,
  type RolloutConfig,
} from "@paved/core";
import { rolloutCache } from "./_cache.ts";
import type { RolloutCache } from "./_journal.ts";

export interface HostEntry {
  name: string;
  role: string;
  address?: string;
  sshUser?: string;
  sshPort?: number;
  system: string;
  tags: string[];
}

export type WaveConfig = RolloutConfig["waves"][number];
export type HealthCheckConfig = HealthCheck;
export type RolloutSettings = RolloutConfig;

export interface RolloutInputs {
  dir: string;
  hosts: HostEntry[];
  rollout: RolloutSettings;
  /** The team binary cache (paved.yaml cache:), if any. */
  cache?: RolloutCache;
}

export function durationMs(value: string, what: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!match) {
    throw new PavedError(
      "E_INPUT",
      `${what}: expected a duration like "30s", "5m" or "1h", got ${JSON.stringify(value)}`,
      {
        hint: "Use a whole number followed by s, m or h.",
      },
    );
  }
  const n = Number(match[1]);
  const unit = match[2];
  return unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
}

/** Reads and validates paved.yaml of the platform repository. */
export async function loadRolloutInputs(dir: string): Promise<RolloutInputs> {
  const { config } = await loadConfig(dir);
  const hosts = Object.entries(config.hosts).map(([name, h]) => ({
    name,
    role: h.role,
    address: h.address,
    sshUser: h.sshUser,
    sshPort: h.sshPort,
    system: h.system,
    tags: h.tags,
  }));
  // A repository without a rollout section rolls out with the defaults.
  const rollout = config.rollout ?? defaults();
  const cache = rolloutCache(config);
  return { dir, hosts, rollout, ...(cache ? { cache } : {}) };
}

/** The section's defaults, as the schema fills them in. */
function defaults(): RolloutSettings {
  return validateConfig({ version: CONFIG_VERSION, rollout: {} }).rollout!;
}
