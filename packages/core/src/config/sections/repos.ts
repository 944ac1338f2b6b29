import { s } from "../_schema_compound.ts";

export const reposSchema = s
  .array(s.string({ minLength: 1, expected: "a local path to a repository" }), { unique: true })
  .default([])
  .describe(
    "Application repositories (local paths, relative to paved.yaml) that `paved status` and `paved plan` read.",
  );
