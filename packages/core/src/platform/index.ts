export { TEAM_FILE, hostFile, renderPlatformFlake } from "./_flake.ts";
export type { PlatformFlakeOptions } from "./_flake.ts";
export { hostModuleBindings, hostModules, stateVersionFor } from "./_host-modules.ts";
export type { HostModuleInput, HostModules, RolesInput } from "./_host-modules.ts";
export { hardwareFile, hardwareState, renderHardwareStarter, type HardwareState } from "./_hardware.ts";
