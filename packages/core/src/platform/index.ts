export { TEAM_FILE, hostFile, renderPlatformFlake } from "./_flake.ts";
export type { PlatformFlakeOptions } from "./_flake.ts";
