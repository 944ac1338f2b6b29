export * from "./direnv/index.ts";
