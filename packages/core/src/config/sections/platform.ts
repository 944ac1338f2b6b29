import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";
import { flakeRefExpected, isFlakeRef } from "./_grammars.ts";

/** Where a platform repository gets paved's NixOS modules from. */
export const DEFAULT_PAVED_FLAKE = "github:paved-dev/paved";

export const platformSchema = s
  .object({
    name: s
      .string({
        minLength: 1,
        maxLength: 80,
        expected: "a short team or platform name (one line, at most 80 characters)",
      })
      .optional()
      .describe("Shown in the flake description and the report."),
    paved: s
      .string({ minLength: 1, expected: "a flake reference such as github:paved-dev/paved/v0.1.0" })
      .refine(isFlakeRef, flakeRefExpected)
      .default(DEFAULT_PAVED_FLAKE)
      .describe("Flake reference of paved's NixOS modules; flake.lock pins the exact revision."),
  })
  .default({})
  .describe("Platform repository settings (the repository that holds hosts and the team roster).");

export type PlatformConfig = Infer<typeof platformSchema>;
