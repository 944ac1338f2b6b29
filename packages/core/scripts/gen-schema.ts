// Writes schema/paved.schema.json from the config schema; test/config-jsonschema.test.ts fails when it is stale.
import { writeFileSync } from "node:fs";
import { PAVED_SCHEMA_FILE, renderPavedJsonSchema } from "../src/config/index.ts";

writeFileSync(PAVED_SCHEMA_FILE, renderPavedJsonSchema());
console.log(`wrote ${PAVED_SCHEMA_FILE}`);
