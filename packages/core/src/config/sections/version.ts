import { s } from "../_schema_compound.ts";

/** Bumped only when paved.yaml changes incompatibly; older files then get a migration message. */
export const CONFIG_VERSION = 1;

export const versionSchema = s.literal(CONFIG_VERSION).describe("Version of the paved.yaml format (1).");
