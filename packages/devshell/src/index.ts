export * from "./direnv/index.ts";
export * from "./shell/index.ts";
export { gcEnvironments, type GcOptions, type GcRemoved, type GcResult } from "./gc.ts";
