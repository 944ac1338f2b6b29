/**
 * One fixture repository per language, side by side in one repo (no root markers, so each gets its own shell),
 * initialised once and evaluated with ONE real `nix eval` that lists every shell's packages with versions.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initProject, type InitResult } from "@paved/devshell";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { json, makeRepo } from "./_repo.ts";

const languages: Record<string, Record<string, string>> = {
  node: {
    ".node-version": "v24.1.0\n",
    "package.json": json({ packageManager: "yarn@4.5.0" }),
    "yarn.lock": "__metadata:\n",
  },
  python: {
    ".python-version": "3.12\n",
    "pyproject.toml": '[project]\nname = "p"\nrequires-python = ">=3.11"\n',
    "uv.lock": "version = 1\n",
  },
  go: { "go.mod": "module g\n\ngo 1.25.1\n" },
  rust: {
    "rust-toolchain.toml": '[toolchain]\nchannel = "stable"\ncomponents = ["clippy", "rustfmt"]\n',
    "Cargo.toml": '[package]\nname = "r"\nrust-version = "1.80"\n',
  },
  java: {
    "pom.xml": "<project><properties><maven.compiler.release>17</maven.compiler.release></properties></project>",
  },
  kotlin: { "build.gradle.kts": 'plugins { kotlin("jvm") version "2.2.0" }\nkotlin { jvmToolchain(21) }\n' },
  ruby: { ".ruby-version": "3.3.5\n", Gemfile: 'ruby "3.3.5"\n' },
  php: { "composer.json": json({ require: { php: ">=8.3 <8.4" } }) },
  dotnet: { "global.json": json({ sdk: { version: "9.0.100" } }) },
  tofu: { ".opentofu-version": "1.10.0\n", "main.tf": 'terraform {\n  required_version = ">= 1.8"\n}\n' },
  deno: { "deno.json": json({ tasks: {} }) },
};

const expected: Record<string, string[]> = {
  node: ["nodejs_24", "yarn-berry"],
  python: ["python312", "uv"],
  go: ["go_1_26"],
  rust: ["rustc", "cargo", "clippy", "rustfmt"],
  java: ["jdk17", "maven"],
  kotlin: ["gradle", "jdk21", "kotlin"],
  ruby: ["bundler", "ruby_3_3"],
  php: ["phpPackages.composer", "php83"],
  dotnet: ["dotnet-sdk_9"],
  tofu: ["opentofu"],
  deno: ["deno"],
};

let repo: string;
let result: InitResult;
const env = nixTestEnv() as Record<string, string | undefined>;

beforeAll(async () => {
  requireTool("nix");
  const files: Record<string, string> = {};
  for (const [lang, fs] of Object.entries(languages))
    for (const [name, content] of Object.entries(fs)) files[`${lang}/${name}`] = content;
  repo = makeRepo(files);
  result = await initProject({ dir: repo, nixpkgs: await fixtureNixpkgs(), env });
});

describe("each language maps to the right nixpkgs attributes", () => {
  it("plans one shell per language with the expected attributes", () => {
    const shells = Object.fromEntries(result.detected.shells.map((s) => [s.name, s]));
    for (const [lang, attrs] of Object.entries(expected)) {
      const shell = shells[lang];
      expect(shell, lang).toBeDefined();
      expect(
        [...shell!.choices.flatMap((c) => [c.attr, ...c.also]), ...shell!.packages].filter(Boolean).sort(),
        lang,
      ).toEqual([...attrs].sort());
    }
    expect(result.verification?.missing).toEqual([]);
  });

  it("the flake evaluates and every shell carries those packages at the fixture's versions", async () => {
    const system = execFileSync("nix", ["eval", "--impure", "--raw", "--expr", "builtins.currentSystem"], {
      env: env as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
    const out = execFileSync(
      "nix",
      [
        "eval",
        "--json",
        `${repo}#devShells.${system}`,
        "--override-input",
        "nixpkgs",
        `path:${await fixtureNixpkgs()}`,
        "--no-write-lock-file",
        "--apply",
        "shells: builtins.mapAttrs (n: s: map (p: p.name) s.nativeBuildInputs) shells",
      ],
      { env: env as NodeJS.ProcessEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const names = JSON.parse(out) as Record<string, string[]>;
    const specs = JSON.parse(readFileSync(join(await fixtureNixpkgs(), "packages.json"), "utf8")) as Record<
      string,
      { pname?: string; version: string }
    >;
    for (const [lang, attrs] of Object.entries(expected)) {
      const want = attrs.map((a) => `${specs[a]!.pname ?? a.split(".").pop()}-${specs[a]!.version}`).sort();
      expect([...names[lang]!].sort(), lang).toEqual(want);
    }
  });
});
