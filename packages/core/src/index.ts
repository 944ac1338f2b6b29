export * from "./errors.ts";
export * from "./exec/index.ts";
export * from "./nix/index.ts";
export * from "./files/index.ts";
export * from "./doctor/index.ts";
export * from "./status/index.ts";
export * from "./config/index.ts";
