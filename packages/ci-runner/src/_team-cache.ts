/**
 * The team binary cache in pipelines (paved.yaml `cache:`, issue 19): jobs substitute from it, and pushes to the
 * listed branches copy what they built there. Credentials come only from the provider's secrets, exported into
 * the push step's environment; the signing key goes through a temporary file that the step removes.
 */
import { cachePushTarget, cacheSubstituters, type CacheConfig } from "@paved/core";
import type { Step1Config } from "./_types.ts";

export interface TeamCachePlan {
  /** extra-substituters / extra-trusted-public-keys lines for the job's nix.conf. */
  nixConf: string[];
  /** Store URL pushes go to; undefined for a read-only cache. */
  pushTo?: string;
  /** CI secret holding the private signing key (signs before the copy). */
  signingKeySecret?: string;
  /** Environment variable → CI secret name. */
  env: Record<string, string>;
}

export function planTeamCache(config: Step1Config): TeamCachePlan | undefined {
  const cache: CacheConfig | undefined = config.cache;
  if (!cache) return undefined;
  const hosts = config.hosts ?? {};
  const subs = cacheSubstituters(cache, hosts);
  const pushTo = cachePushTarget(cache, hosts);
  return {
    nixConf: [
      `extra-substituters = ${subs.map((s) => s.url).join(" ")}`,
      `extra-trusted-public-keys = ${[...new Set(subs.map((s) => s.publicKey))].join(" ")}`,
    ],
    ...(pushTo ? { pushTo } : {}),
    ...(cache.push.signingKeySecret ? { signingKeySecret: cache.push.signingKeySecret } : {}),
    env: cache.push.env,
  };
}

/** The env var the push script reads the signing key from (its value comes from the CI secret). */
export const SIGNING_KEY_ENV = "PAVED_CACHE_SIGNING_KEY";

/**
 * Shell lines that push a dev shell's closure: keep it as a profile (a GC root), sign it when the team signs in CI,
 * copy it. `tmp` is a directory the job may write to.
 */
export function pushShellScript(cache: TeamCachePlan, shell: string, tmp: string): string[] {
  const profile = `${tmp}/paved-profile-${shell}`;
  const lines = [`nix develop .#${shell} --profile "${profile}" -c true`];
  if (cache.signingKeySecret) {
    lines.push(
      `key="$(mktemp)"`,
      `trap 'rm -f "$key"' EXIT`,
      `printf '%s' "$${SIGNING_KEY_ENV}" > "$key"`,
      `nix store sign --recursive --key-file "$key" "${profile}"`,
    );
  }
  // The store URL passed validation (no quotes, spaces or credentials), so single quotes keep it literal.
  lines.push(`nix copy --to '${cache.pushTo!}' "${profile}"`);
  return lines;
}
