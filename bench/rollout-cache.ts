/**
 * Bytes the machine running paved sends per rollout, with and without the team binary cache (issue 19), at 10 and
 * 50 hosts. Each simulated host has its own Nix store (a chroot store behind the ssh store's remote-store=), so
 * what `nix copy` sends is real; the numbers are the journal's (NAR bytes of the paths nix copy said it sent).
 * With a cache: one push of the closure to the cache, and hosts substitute it from there (served over HTTP on
 * 127.0.0.1, signed). Goal: one closure's worth, not N.
 */
import { parse, stringify } from "yaml";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyRollout } from "../packages/rollout/src/index.ts";

const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
import { makeSigningKey, serveCache } from "../fixtures/cache.ts";
import { startFleet } from "../fixtures/rollout/fleet.ts";

async function sent(hosts: number, withCache: boolean): Promise<{ cache: number; hosts: number }> {
  const key = withCache ? makeSigningKey("bench-cache-1") : undefined;
  const served = withCache ? await serveCache() : undefined;
  const hostNixConf =
    served && key
      ? `substituters = ${served.url}\ntrusted-public-keys = ${key.publicKey}\nrequire-sigs = true\n`
      : undefined;
  const fleet = await startFleet({
    hosts: Array.from({ length: hosts }, (_, i) => ({ name: `h${i + 1}` })),
    servers: Math.min(hosts, 10),
    shared: true,
    hostStores: true,
    ...(hostNixConf ? { hostNixConf } : {}),
  });
  try {
    fleet.writeConfig({ waves: [{ name: "all", hosts: "rest" }], concurrency: 10, confirmTimeout: "60s" });
    if (served && key) {
      const file = join(fleet.dir, "paved.yaml");
      const config = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      config.cache = {
        kind: "hosted",
        url: served.url,
        publicKey: key.publicKey,
        push: { to: `file://${served.dir}`, signingKeyFile: key.secretFile },
      };
      writeFileSync(file, stringify(config));
    }
    const result = await applyRollout({ dir: fleet.dir });
    if (result.outcome !== "succeeded") throw new Error(`bench rollout ${result.outcome}: ${result.state.message}`);
    return result.state.bytesSent;
  } finally {
    await fleet.stop();
    await served?.stop();
  }
}

export async function benchRolloutCache(): Promise<string[]> {
  process.env.NIX_CONFIG ??= "substituters =\nexperimental-features = nix-command flakes";
  const sizes = (process.env.PAVED_BENCH_CACHE_SIZES ?? "10,50").split(",").map(Number);
  const lines: string[] = [];
  for (const n of sizes) {
    const without = await sent(n, false);
    const withCache = await sent(n, true);
    const a = without.cache + without.hosts;
    const b = withCache.cache + withCache.hosts;
    lines.push(
      `rollout bytes sent from the orchestrator, ${n} hosts: without cache ${formatBytes(a)} (to hosts ${formatBytes(without.hosts)}) / with cache ${formatBytes(b)} (to cache ${formatBytes(withCache.cache)}, to hosts ${formatBytes(withCache.hosts)}) = ${(a / Math.max(1, b)).toFixed(1)}x less; with cache = ${(b / Math.max(1, a / n)).toFixed(2)} closure(s) (goal 1, not ${n})`,
    );
  }
  return lines;
}
