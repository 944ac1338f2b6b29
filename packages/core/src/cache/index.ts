// The team binary cache in generated Nix. Re-exports only.
export { flakeNixConfig, hostCacheModule, teamSubstituters } from "./_render.ts";
export { cacheEvidence, probeTeamCache, type CacheProbe } from "./_probe.ts";
