/**
 * Rollouts with the team binary cache (paved.yaml cache:, issue 19). Without it, `nix copy` sends every host its
 * closure from this machine: N copies over one uplink. With it, each new closure goes to the cache once (signed),
 * and hosts copy with --substitute-on-destination, so they fetch from the cache and this machine sends only
 * what the cache could not give them. Bytes are measured, not estimated: the paths `nix copy -v` says it copied,
 * weighed by their NAR size (`nix path-info --json`, read through core's version layer).
 */
import { cachePushTarget, parsePathInfo, runNix, type NixResult, type PavedConfig } from "@paved/core";
import type { RolloutCache } from "./_journal.ts";

/** From paved.yaml: where pushes go and the signing key's path; undefined without a cache. */
export function rolloutCache(config: Pick<PavedConfig, "cache" | "hosts">): RolloutCache | undefined {
  const cache = config.cache;
  if (!cache) return undefined;
  const pushTo = cachePushTarget(cache, config.hosts);
  return { ...(pushTo ? { pushTo } : {}), ...(cache.push.signingKeyFile ? { signingKeyFile: cache.push.signingKeyFile } : {}) };
}

/**
 * The store URL to push to. Binary caches (file, s3, http) sign what they are given with `secret-key=` (a path,
 * never the key); an ssh-ng cache host running harmonia signs as it serves.
 */
export function pushUrl(cache: RolloutCache): string {
  const to = cache.pushTo!;
  if (!cache.signingKeyFile || /^ssh(-ng)?:\/\//.test(to)) return to;
  return `${to}${to.includes("?") ? "&" : "?"}secret-key=${encodeURIComponent(cache.signingKeyFile)}`;
}

// "copying path 'P' to 'DEST'" (or "from 'SRC' to 'DEST'" from a build host). A host substituting on the
// destination logs "copying path 'P' from 'CACHE'" over SSH into the same stderr: that one has no "to" and was not
// sent by this machine.
const COPYING = /copying path '(\/nix\/store\/[^']+)' (?:from '[^']*' )?to '/g;

/** The store paths a `nix copy -v` run says it sent (every supported Nix logs one line per path). */
export function copiedPaths(stderr: string): string[] {
  return [...new Set([...stderr.matchAll(COPYING)].map((m) => m[1]!))];
}

export interface CopyMeasure {
  paths: number;
  bytes: number;
}

/** The NAR bytes of what a `nix copy -v` sent, weighed in the store it copied from (`from`, or the local one). */
export async function measureCopy(result: NixResult, from?: string, env?: Record<string, string | undefined>): Promise<CopyMeasure> {
  const paths = copiedPaths(result.stderr);
  if (paths.length === 0) return { paths: 0, bytes: 0 };
  const info = await runNix(["path-info", "--json", ...(from ? ["--store", from] : []), ...paths], { env });
  const bytes = parsePathInfo(info.stdout).reduce((sum, p) => sum + (p.narSize ?? 0), 0);
  return { paths: paths.length, bytes };
}

export interface PushOptions {
  /** Copy from this store (a build host) instead of the local one. */
  from?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Pushes closures to the team cache once: `nix copy` skips what the cache already has. */
export async function pushClosures(cache: RolloutCache, paths: string[], options: PushOptions = {}): Promise<CopyMeasure & { ms: number }> {
  const started = performance.now();
  const args = ["copy", "-v", "--to", pushUrl(cache), ...(options.from ? ["--from", options.from] : []), ...paths];
  const result = await runNix(args, { env: options.env, signal: options.signal });
  const measured = await measureCopy(result, options.from, options.env);
  return { ...measured, ms: Math.round(performance.now() - started) };
}
