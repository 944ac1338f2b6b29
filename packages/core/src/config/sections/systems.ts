import { s } from "../_schema_compound.ts";

export const SYSTEMS = ["x86_64-linux", "aarch64-linux", "aarch64-darwin", "x86_64-darwin"] as const;
export type NixSystem = (typeof SYSTEMS)[number];

// x86_64-darwin is left out of the default: nixos-26.05 is the last release that supports it.
export const DEFAULT_SYSTEMS: NixSystem[] = ["x86_64-linux", "aarch64-linux", "aarch64-darwin"];

export const systemsSchema = s
  .array(s.enum(SYSTEMS), { minItems: 1, unique: true })
  .default(DEFAULT_SYSTEMS)
  .describe("Systems the generated dev shells are built for (x86_64-darwin: nixos-26.05 is its last release).");
