/** JSON Schema (draft 2020-12) for editors: zod's `toJSONSchema` of the same definitions that validate paved.yaml. */
import { fileURLToPath } from "node:url";
import { pavedConfigSchema } from "./_paved.ts";
import type { JsonSchema, Schema } from "./_schema.ts";

export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** Absolute path of the committed schema file (packages/core/schema/paved.schema.json). */
export const PAVED_SCHEMA_FILE = fileURLToPath(new URL("../../schema/paved.schema.json", import.meta.url));

export function toJsonSchema(schema: Schema<unknown>, meta: { id?: string; title?: string } = {}): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    ...(meta.id ? { $id: meta.id } : {}),
    ...(meta.title ? { title: meta.title } : {}),
    ...schema.toJsonSchema(),
  };
}

/** The text of paved.schema.json, byte for byte what the committed file must contain. */
export function renderPavedJsonSchema(): string {
  return `${JSON.stringify(toJsonSchema(pavedConfigSchema, { title: "paved.yaml" }), null, 2)}\n`;
}
