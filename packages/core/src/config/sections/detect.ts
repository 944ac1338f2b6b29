import { s } from "../_schema_compound.ts";
import type { Infer } from "../_schema.ts";

/** A glob relative to paved.yaml, matched against directory paths (picomatch syntax: `*`, `**`, `{a,b}`). */
const dirGlob = s.string({
  pattern: /^(?!\/)(?!(.*\/)?\.\.(\/|$)).+$/,
  expected: 'a directory glob relative to paved.yaml, like "examples/**" or "tools/*" (no leading / and no ..)',
});

export const detectSchema = s
  .object({
    include: s
      .array(dirGlob, { unique: true })
      .default([])
      .describe(
        'Directories to treat as projects although paved skips them by default (examples/, tests/, docs/, …), e.g. "examples/starter".',
      ),
    exclude: s
      .array(dirGlob, { unique: true })
      .default([])
      .describe(
        'More directories that are not projects: never a shell for them, never a pin from them, e.g. "legacy/**".',
      ),
  })
  .default({})
  .describe(
    "Which directories `paved init` treats as projects, on top of its built-in rules (see docs/step-2-devshells.md).",
  );

export type DetectConfig = Infer<typeof detectSchema>;
