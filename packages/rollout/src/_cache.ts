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
  return {
    ...(pushTo ? { pushTo } : {}),
    ...(cache.push.signingKeyFile ? { signingKeyFile: cache.push.signingKeyFile } : {}),
  };
}

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
export async function measureCopy(
  result: NixResult,
  from?: string,
  env?: Record<string, string | undefined>,
): Promise<CopyMeasure> {
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

/**
 * Pushes closures to the team cache once: `nix copy` skips what the cache already has. With a signing key they
 * are signed first, in the store they come from (`nix store sign --key-file`: the key stays in its file, off every
 * command line); an ssh-ng cache host running harmonia also signs as it serves.
 */
export async function pushClosures(
  cache: RolloutCache,
  paths: string[],
  options: PushOptions = {},
): Promise<CopyMeasure & { ms: number }> {
  const started = performance.now();
  const from = options.from ? ["--store", options.from] : [];
  if (cache.signingKeyFile) {
    await runNix(["store", "sign", "--recursive", "--key-file", cache.signingKeyFile, ...from, ...paths], {
      env: options.env,
      signal: options.signal,
    });
  }
  const args = ["copy", "-v", "--to", cache.pushTo!, ...(options.from ? ["--from", options.from] : []), ...paths];
  const result = await runNix(args, { env: options.env, signal: options.signal });
  const measured = await measureCopy(result, options.from, options.env);
  return { ...measured, ms: Math.round(performance.now() - started) };
}
