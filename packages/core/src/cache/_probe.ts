/**
 * Evidence that the team cache is real, for `paved status`: it answers `nix-cache-info` (what every Nix asks a
 * binary cache first). Only http(s) caches are probed here; s3 and file caches need credentials or the machine.
 */
import { cacheSubstituters, type PavedConfig } from "../config/index.ts";
import type { StepEvidence } from "../status/index.ts";

export interface CacheProbe {
  url: string;
  ok: boolean;
  detail: string;
}

export async function probeTeamCache(
  config: Pick<PavedConfig, "cache" | "hosts">,
  timeoutMs = 3000,
): Promise<CacheProbe | undefined> {
  const team = cacheSubstituters(config.cache, config.hosts)[0];
  if (!team) return undefined;
  if (!/^https?:\/\//.test(team.url))
    return { url: team.url, ok: false, detail: "not probed (only http(s) caches are)" };
  const url = `${team.url.replace(/\?.*$/, "").replace(/\/+$/, "")}/nix-cache-info`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = res.ok ? await res.text() : "";
    const storeDir = /^StoreDir: (.+)$/m.exec(text)?.[1];
    if (storeDir) return { url: team.url, ok: true, detail: `answers nix-cache-info (StoreDir ${storeDir})` };
    return {
      url: team.url,
      ok: false,
      detail: res.ok ? "answered, but not as a Nix binary cache" : `answered HTTP ${res.status}`,
    };
  } catch (error) {
    return {
      url: team.url,
      ok: false,
      detail: `does not answer (${(error as Error).name === "TimeoutError" ? "timed out" : (error as Error).message})`,
    };
  }
}

/** The probe as a line of `paved status` evidence. */
export function cacheEvidence(probe: CacheProbe): StepEvidence {
  return { text: `Team cache: ${probe.url} ${probe.detail}`, done: probe.ok ? 1 : 0, total: 1 };
}
