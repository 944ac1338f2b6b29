import { s } from "../_schema_compound.ts";
import { describeFound } from "../_messages.ts";
import { notSecret, type Infer } from "../_schema.ts";
import { isToolchainVersion, toolchainVersionExpected } from "./_versions.ts";
import { attrPath } from "./_common.ts";

/** Toolchains whose pins `paved init` detects (issue 3); each maps to a nixpkgs attribute of the pinned release. */
export const TOOLCHAINS = [
  "node",
  "pnpm",
  "yarn",
  "npm",
  "bun",
  "deno",
  "python",
  "uv",
  "poetry",
  "go",
  "rust",
  "java",
  "kotlin",
  "maven",
  "gradle",
  "ruby",
  "bundler",
  "php",
  "composer",
  "dotnet",
  "terraform",
  "opentofu",
] as const;
export type Toolchain = (typeof TOOLCHAINS)[number];

// At most 64: a shell becomes the GitHub job `shell-NAME`, and job ids must stay under 100 characters.
export const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

const toolchainPin = s.object({
  version: s
    .string({ minLength: 1, expected: 'a version or range like "22", "1.24" or ">=3.12"' })
    .describe("The version the repository asks for."),
  attr: attrPath
    .optional()
    .describe("The nixpkgs attribute chosen for it (e.g. nodejs_22); detected, or set by hand to override."),
  from: s
    .string({ pattern: /^[^\s/][^\s]*$/, expected: "a file name relative to the shell, like .nvmrc or package.json" })
    .optional()
    .describe("The file the pin came from (e.g. .nvmrc), for explanations and drift checks."),
  release: s
    .string({
      pattern: /^(nixos-[0-9]{2}\.(05|11)|nixos-unstable)$/,
      expected: 'a NixOS release branch like "nixos-25.11" or "nixos-unstable"',
    })
    .optional()
    .describe(
      "Take this toolchain from another NixOS release than nixpkgs.release (one extra flake input per release), because the pinned release lacks the version line asked for.",
    ),
});

/** A relative directory inside the repository: no leading /, no `..`. */
const relativeDir = s.string({
  pattern: /^(?!\/)(?!(.*\/)?\.\.(\/|$)).+$/,
  expected: "a directory relative to paved.yaml (no leading / and no ..)",
});

const shell = s.object({
  dir: relativeDir
    .optional()
    .describe("Sub-project directory this shell belongs to; `paved shell` picks it inside that directory."),
  packages: s.array(attrPath, { unique: true }).default([]).describe("Extra nixpkgs attributes on PATH."),
  toolchains: s
    .record(toolchainPin, { keys: TOOLCHAINS })
    .refineWith((pins, report) => {
      for (const [tool, pin] of Object.entries(pins) as [Toolchain, ToolchainPin][]) {
        if (!isToolchainVersion(tool, pin.version))
          report([tool, "version"], toolchainVersionExpected(tool), describeFound(pin.version));
      }
    })
    .default({})
    .describe("Detected toolchain pins, by toolchain."),
  env: s
    .record(notSecret(s.string({ expected: "a string", multiline: true })), {
      keyPattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
      keyExpected: "an environment variable name (letters, digits and _, not starting with a digit)",
    })
    .default({})
    .describe("Environment variables set in the shell. They end up in the Nix store, so never put secrets here."),
  shellHook: s.string({ multiline: true }).optional().describe("A short shell snippet run when the shell starts."),
  unfree: s
    .array(s.string({ pattern: /^[A-Za-z0-9_.+-]+$/, expected: "a package name like terraform" }), { unique: true })
    .default([])
    .describe(
      "Unfree packages allowed by name (never a global allowUnfree). OpenTofu is the free alternative to Terraform.",
    ),
});

export const shellsSchema = s
  .record(shell, {
    keyPattern: SHELL_NAME,
    keyExpected: "a shell name: letters, digits, _ and -, at most 64 (the root shell is `default`)",
  })
  .default({})
  .describe("Developer shells by name; `default` is the repository root's shell.");

export type ShellConfig = Infer<typeof shell>;
export type ToolchainPin = Infer<typeof toolchainPin>;
