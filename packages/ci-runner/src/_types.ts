/**
 * The parts of paved.yaml step 1 reads. They mirror the `ci`, `shells` and `hosts` sections of @paved/core's
 * config; kept structural so the renderers are plain functions of data and easy to test.
 */
import type { CacheConfig, RolesInput } from "@paved/core";

export type CiProvider = "github" | "gitlab";

export interface CiCacheSettings {
  /** ci: the CI provider's own cache; cachix: a Cachix binary cache; none: no store cache. */
  kind: "ci" | "cachix" | "none";
  name?: string;
  /** Name of the CI secret holding the Cachix push token (never the token). */
  tokenSecret?: string;
}

export interface CiSettings {
  provider: CiProvider;
  nixVersion?: string;
  steps?: Record<string, string[]>;
  cache?: CiCacheSettings;
  selfHosted?: { labels: string[]; hasNix?: boolean };
  timeoutMinutes?: number;
  /** Branches whose pushes run the pipeline and may write the cache (default ["main"]). */
  branches?: string[];
}

export interface ShellSettings {
  dir?: string;
  packages?: string[];
  toolchains?: Partial<Record<string, { version: string; attr?: string } | undefined>>;
}

export interface RunnerSettings {
  provider: CiProvider;
  url: string;
  tokenFile: string;
  count?: number;
  labels?: string[];
}

export interface HostSettings {
  role: string;
  address?: string;
  sshUser?: string;
  system?: string;
  runner?: RunnerSettings;
  /** system.stateVersion, recorded by `paved runner add` (the release it was installed with). */
  stateVersion?: string;
  /** Overrides of the role's module defaults (logging, monitoring, baseline). */
  modules?: { baseline?: boolean; logging?: boolean; monitoring?: boolean };
}

export interface Step1Config extends RolesInput {
  ci?: CiSettings;
  shells?: Record<string, ShellSettings>;
  hosts?: Record<string, HostSettings>;
  /** The team binary cache (paved.yaml cache:); replaces the provider's cache for Nix paths. */
  cache?: CacheConfig;
}
