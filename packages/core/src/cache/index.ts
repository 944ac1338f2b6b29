// The team binary cache in generated Nix. Re-exports only.
export { flakeNixConfig, hostCacheModule, teamSubstituters } from "./_render.ts";
