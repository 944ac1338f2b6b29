// Fuzz test of paved's whole input surface (issue 15): every paved.yaml field and key, and the flags and arguments
// of the commands that write files, with hostile strings. Each case must end in a located error with no file
// changed, or in output that is valid (YAML parses, workflows pass GitHub's parser and actionlint, Nix parses)
// and holds no secret and no invisible character. Cases run in-process; Nix parses every distinct file in one batch.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { isPavedError, parseConfig, scanSecrets, type PathSegment, type PavedConfig } from "@paved/core";
import { platformFiles } from "@paved/baseline";
import { renderCiFiles, runnerHostFiles, type Step1Config } from "@paved/ci-runner";
import { renderDevshellFiles } from "@paved/devshell";
import { requireTool } from "@paved/fixtures";
import { buildProgram, runArgv } from "../../apps/cli/src/_program.ts";
import { actionlintErrors, githubParserErrors } from "../../packages/ci-runner/test/_validators.ts";
import { BASE, KEY, KEY_PATHS, VALUE_PATHS } from "./_base.ts";
import { hostile, secretTails, UNSAFE_OUT } from "./_hostile.ts";

const FIXED_SEED = 152026;
const RANDOM_SEED = process.env.PAVED_FUZZ_SEED
  ? Number(process.env.PAVED_FUZZ_SEED)
  : Math.floor(Math.random() * 2 ** 31);
// Per seed; two seeds, two surfaces: 2 × (4250 + 750) = 10,000 cases per run. A command-line case runs a whole
// command (read, validate, render, write), so those are fewer.
const YAML_RUNS = Number(process.env.PAVED_FUZZ_YAML_RUNS ?? 4250);
const CLI_RUNS = Number(process.env.PAVED_FUZZ_CLI_RUNS ?? 750);

const nixFiles = new Map<string, string>();
const workflows = new Map<string, string>();
let cases = 0;

const checked = new Set<string>();

/** Checks one file paved would write: no secret, no invisible character, YAML that parses; Nix kept for the batch. */
function checkOutput(path: string, content: string, tails: string[]): void {
  for (const tail of tails) expect(content.includes(tail), `${path} holds a secret's body`).toBe(false);
  // Most cases render most files unchanged: each distinct file is checked once.
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 16);
  if (checked.has(`${path}:${hash}`)) return;
  checked.add(`${path}:${hash}`);
  expect(scanSecrets(content), `${path} holds a secret`).toEqual([]);
  expect(UNSAFE_OUT.test(content), `${path} holds an invisible or control character`).toBe(false);
  if (/\.ya?ml$/.test(path))
    expect(
      parseDocument(content).errors.map((e) => e.message),
      path,
    ).toEqual([]);
  if (path.endsWith(".nix")) nixFiles.set(hash, content);
  if (path.startsWith(".github/workflows/")) workflows.set(hash, content);
}

/** A refusal must say where (file:line:col, or the flag/argument), and must not repeat what it refused. */
function checkRefusal(error: unknown, tails: string[], where: RegExp): void {
  const code = (error as { code?: string }).code ?? "";
  const message = String((error as Error).message);
  expect(isPavedError(error) || code.startsWith("commander."), `not a paved or usage error: ${message}`).toBe(true);
  expect(message, `unlocated: ${message}`).toMatch(where);
  for (const tail of tails) expect(message.includes(tail), `the message repeats a secret: ${message}`).toBe(false);
  const details = isPavedError(error) ? JSON.stringify(error.details) : "";
  for (const tail of tails) expect(details.includes(tail), "the details repeat a secret").toBe(false);
  expect(
    UNSAFE_OUT.test(message.replace(/\n/g, "")),
    `the message holds an invisible character: ${JSON.stringify(message)}`,
  ).toBe(false);
}

function setIn(target: Record<string, unknown>, path: PathSegment[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

function renameKey(target: Record<string, unknown>, path: PathSegment[], name: string): void {
  let node = target as Record<string, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment as string] as Record<string, unknown>;
  const entries = Object.entries(node).map(([k, v]) => (k === path.at(-1) ? [name, v] : [k, v]));
  for (const k of Object.keys(node)) delete node[k];
  Object.assign(node, Object.fromEntries(entries));
}

/** paved.yaml with one value or key replaced: through the YAML writer (quoted as needed), or pasted in raw. */
function mutated(kind: "value" | "key", path: PathSegment[], value: string, raw: boolean): string {
  const config = structuredClone(BASE) as Record<string, unknown>;
  const marker = "PAVEDFUZZMARKER";
  if (kind === "value") setIn(config, path, raw ? marker : value);
  else renameKey(config, path, raw ? marker : value);
  const text = stringify(config);
  return raw ? text.replace(marker, value) : text;
}

let root = "";

async function renderAll(config: PavedConfig): Promise<{ path: string; content: string }[]> {
  const step1 = config as unknown as Step1Config;
  return [
    ...(await platformFiles(config, root)),
    ...runnerHostFiles(step1),
    ...renderCiFiles(root, step1),
    ...renderDevshellFiles(root, config).map((f) => ({ ...f, path: `app/${f.path}` })),
  ];
}

beforeAll(() => {
  requireTool("nix-instantiate");
  root = mkdtempSync(join(tmpdir(), "paved-fuzz-"));
  mkdirSync(join(root, "services/api"), { recursive: true });
  // eslint-disable-next-line no-console
  console.log(
    `fuzz: fixed seed ${FIXED_SEED}, random seed ${RANDOM_SEED} (reproduce with PAVED_FUZZ_SEED=${RANDOM_SEED})`,
  );
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(
    `fuzz: ${cases} cases, ${nixFiles.size} distinct Nix files and ${workflows.size} distinct workflows checked`,
  );
  if (root) rmSync(root, { recursive: true, force: true });
});

const yamlCase = fc.record({
  kind: fc.constantFrom("value" as const, "value" as const, "key" as const),
  valuePath: fc.constantFrom(...VALUE_PATHS),
  keyPath: fc.constantFrom(...KEY_PATHS),
  value: hostile,
  raw: fc.boolean(),
});

type YamlCase = typeof yamlCase extends fc.Arbitrary<infer T> ? T : never;

async function runYamlCase({ kind, valuePath, keyPath, value, raw }: YamlCase): Promise<void> {
  cases++;
  const path = kind === "value" ? valuePath : keyPath;
  const text = mutated(kind, path, value, raw);
  const tails = secretTails(value);
  let config: PavedConfig;
  try {
    config = parseConfig(text, "paved.yaml").config;
  } catch (error) {
    checkRefusal(error, tails, /paved\.yaml:\d+:\d+/);
    return;
  }
  checkOutput("paved.yaml", text, tails);
  for (const file of await renderAll(config)) checkOutput(file.path, file.content, tails);
}

describe.each([
  ["fixed", FIXED_SEED],
  ["random", RANDOM_SEED],
])("paved.yaml: every field and key (%s seed %i)", (_, seed) => {
  it(`${YAML_RUNS} cases`, async () => {
    await fc.assert(fc.asyncProperty(yamlCase, runYamlCase), { seed, numRuns: YAML_RUNS, endOnFailure: true });
  }, 600_000);
});

// --- the command line ---------------------------------------------------------------------------------------

interface CliCommand {
  name: string;
  /** Valid values, by the label an error names them with. */
  values: Record<string, string>;
  argv: (v: Record<string, string>) => string[];
}

const CLI: CliCommand[] = [
  {
    name: "runner add",
    values: {
      NAME: "ci-9",
      "--url": "https://github.com/acme",
      "--token-file": "/run/secrets/gh",
      "--labels": "nixos,big",
      "--count": "2",
    },
    argv: (v) => [
      "runner",
      "add",
      v.NAME!,
      "--provider",
      "github",
      "--url",
      v["--url"]!,
      "--token-file",
      v["--token-file"]!,
      "--labels",
      v["--labels"]!,
      "--count",
      v["--count"]!,
    ],
  },
  {
    name: "host add",
    values: { NAME: "web-9", "--role": "staging", "--address": "10.0.0.9", "--system": "x86_64-linux" },
    argv: (v) => [
      "host",
      "add",
      v.NAME!,
      "--role",
      v["--role"]!,
      "--address",
      v["--address"]!,
      "--system",
      v["--system"]!,
    ],
  },
  {
    name: "team add",
    values: { USER: "bob", "--key": "./bob.pub", "--groups": "ops", "--expires": "2027-01-01" },
    argv: (v) => [
      "team",
      "add",
      v.USER!,
      "--key",
      v["--key"]!,
      "--groups",
      v["--groups"]!,
      "--expires",
      v["--expires"]!,
    ],
  },
  {
    name: "ci init",
    values: { "--provider": "gitlab", "--nix-version": "2.28.3" },
    argv: (v) => ["ci", "init", "--provider", v["--provider"]!, "--nix-version", v["--nix-version"]!, "--force"],
  },
  {
    name: "--dir",
    values: { "--dir": "." },
    argv: (v) => ["--dir", v["--dir"]!, "host", "add", "web-8", "--role", "staging"],
  },
];

let repo = "";

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.set(relative(dir, full), readFileSync(full, "utf8"));
  }
  return out;
}

function restore(dir: string, before: Map<string, string>): void {
  for (const path of snapshot(dir).keys()) if (!before.has(path)) rmSync(join(dir, path));
  for (const [path, content] of before) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

async function runCli(argv: string[]): Promise<unknown> {
  const program = buildProgram();
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const cwd = process.cwd();
  process.chdir(repo);
  try {
    await runArgv(program, ["--json", ...argv]);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    process.chdir(cwd);
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
}

const cliCase = fc.record({ command: fc.constantFrom(...CLI), field: fc.nat(), value: hostile });

type CliCase = typeof cliCase extends fc.Arbitrary<infer T> ? T : never;

async function runCliCase({ command, field, value }: CliCase): Promise<void> {
  cases++;
  const labels = Object.keys(command.values);
  const label = labels[field % labels.length]!;
  const argv = command.argv({ ...command.values, [label]: value });
  const tails = secretTails(value);
  const before = snapshot(repo);
  const error = await runCli(argv);
  const after = snapshot(repo);
  if (error !== undefined) {
    // Where: the flag or argument, a file position, or commander naming the option it could not parse.
    checkRefusal(
      error,
      tails,
      /--[a-z]|\b[A-Z]{3,}\b|[A-Za-z.]+:\d+:\d+|\b(argument|option|host name|user name|key|group|role|provider|system|date)\b/i,
    );
    expect(after, `${command.name} ${label}: files changed on a refusal`).toEqual(before);
    return;
  }
  for (const [path, content] of after) if (before.get(path) !== content) checkOutput(path, content, tails);
  // A fresh start for the next case: the same repository, so every case tests the same command.
  restore(repo, before);
}

describe.each([
  ["fixed", FIXED_SEED],
  ["random", RANDOM_SEED],
])("flags and arguments of the commands that write (%s seed %i)", (_, seed) => {
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "paved-fuzz-cli-"));
    execFileSync("git", ["init", "-q"], { cwd: repo });
    writeFileSync(join(repo, "paved.yaml"), stringify(BASE));
    writeFileSync(join(repo, "bob.pub"), `${KEY.replace("alice", "bob")}\n`);
  });
  afterAll(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it(`${CLI_RUNS} cases`, async () => {
    await fc.assert(fc.asyncProperty(cliCase, runCliCase), { seed, numRuns: CLI_RUNS, endOnFailure: true });
  }, 600_000);
});

describe("what the cases wrote is valid", () => {
  it("Nix parses every distinct generated .nix file (one nix-instantiate --parse per batch)", () => {
    expect(nixFiles.size).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), "paved-fuzz-nix-"));
    const files = [...nixFiles].map(([hash, content]) => {
      writeFileSync(join(dir, `${hash}.nix`), content);
      return join(dir, `${hash}.nix`);
    });
    for (let i = 0; i < files.length; i += 400) {
      // Throws with nix's message (file:line:col) on the first file that does not parse.
      execFileSync("nix-instantiate", ["--parse", ...files.slice(i, i + 400)], { stdio: ["ignore", "ignore", "pipe"] });
    }
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it("every distinct workflow passes GitHub's parser and actionlint", async () => {
    expect(workflows.size).toBeGreaterThan(0);
    for (const content of workflows.values()) {
      expect(await githubParserErrors(content), content).toEqual([]);
      expect(await actionlintErrors(content), content).toEqual([]);
    }
  }, 300_000);
});
