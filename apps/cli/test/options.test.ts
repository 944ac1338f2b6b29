// The command line as handlers see it: `main` runs in-process with a dispatch that records what the handler would
// get, so each row below is commander parsing a real command line through the command's option table.
import { describe, expect, it } from "vitest";
import type { ArgTable, CommandDefinition, Input, OptionTable } from "../src/_define.ts";
import { main } from "../src/main.ts";
import type { GlobalOptions } from "../src/_program.ts";
import { commands } from "../src/registry.ts";

interface Seen {
  command: string;
  input: Input<ArgTable, OptionTable>;
  globals: GlobalOptions;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    dispatch: async (definition: CommandDefinition, input, globals) =>
      void seen.push({ command: definition.name, input, globals }),
  });
  return { code, stdout, stderr, seen };
}

const words = (line: string) => line.split(" ").filter(Boolean);
const dryForce = { dryRun: false, force: false };

/** command line → the command and exactly what its handler receives. */
const table: Array<[string, string, Input<ArgTable, OptionTable>]> = [
  ["doctor", "doctor", { args: {}, options: {} }],
  ["status", "status", { args: {}, options: {} }],
  ["plan --no-write --dry-run", "plan", { args: {}, options: { write: false, dryRun: true, force: false } }],
  ["plan", "plan", { args: {}, options: { write: true, ...dryForce } }],
  ["report --html out.html", "report", { args: {}, options: { html: "out.html" } }],
  ["sync --force", "sync", { args: {}, options: { dryRun: false, force: true } }],
  ["eject --dry-run", "eject", { args: {}, options: { dryRun: true } }],
  ["gc", "gc", { args: {}, options: { dryRun: false } }],
  [
    "init -y --nixpkgs /srv/nixpkgs --release nixos-25.11 --pinned-release-only",
    "init",
    {
      args: {},
      options: {
        yes: true,
        dryRun: false,
        force: false,
        pinnedReleaseOnly: true,
        nixpkgs: "/srv/nixpkgs",
        platform: false,
        name: undefined,
        repo: [],
        ci: undefined,
        git: true,
        release: "nixos-25.11",
      },
    },
  ],
  [
    "init --platform --name acme --repo ../api,../web --repo ../worker --ci gitlab --no-git",
    "init",
    {
      args: {},
      options: {
        yes: false,
        dryRun: false,
        force: false,
        pinnedReleaseOnly: false,
        nixpkgs: undefined,
        platform: true,
        name: "acme",
        repo: ["../api", "../web", "../worker"],
        ci: "gitlab",
        git: false,
        release: undefined,
      },
    },
  ],
  // The dev shell: NAME, its flags anywhere before `--`, and the command after it untouched (even its flags).
  [
    "shell",
    "shell",
    { args: { name: undefined }, options: { nixpkgs: undefined, dryRun: false, staleOk: false, refresh: false } },
  ],
  [
    "shell -- node --version",
    "shell",
    {
      args: { name: undefined },
      options: { nixpkgs: undefined, dryRun: false, staleOk: false, refresh: false },
      rest: ["node", "--version"],
    },
  ],
  [
    "shell api -- go test ./...",
    "shell",
    {
      args: { name: "api" },
      options: { nixpkgs: undefined, dryRun: false, staleOk: false, refresh: false },
      rest: ["go", "test", "./..."],
    },
  ],
  [
    "shell --nixpkgs /srv/n --dry-run api --refresh --stale-ok",
    "shell",
    { args: { name: "api" }, options: { nixpkgs: "/srv/n", dryRun: true, staleOk: true, refresh: true } },
  ],
  [
    "shell --nixpkgs=/srv/n -- make --json -- x",
    "shell",
    {
      args: { name: undefined },
      options: { nixpkgs: "/srv/n", dryRun: false, staleOk: false, refresh: false },
      rest: ["make", "--json", "--", "x"],
    },
  ],
  [
    "shell --",
    "shell",
    {
      args: { name: undefined },
      options: { nixpkgs: undefined, dryRun: false, staleOk: false, refresh: false },
      rest: [],
    },
  ],
  // `shell add --nixpkgs` is the subcommand's flag, not the group's.
  [
    "shell add jq postgresql_17 --nixpkgs /n --shell api",
    "shell add",
    { args: { packages: ["jq", "postgresql_17"] }, options: { shell: "api", nixpkgs: "/n", ...dryForce } },
  ],
  [
    "shell remove jq --dry-run",
    "shell remove",
    { args: { packages: ["jq"] }, options: { shell: "default", dryRun: true, force: false } },
  ],
  [
    "direnv-export --shell api --stamp-dir /s --background",
    "direnv-export",
    { args: {}, options: { shell: "api", nixpkgs: undefined, stampDir: "/s", background: true } },
  ],
  [
    "ci init --provider gitlab --nix-version 2.35.2",
    "ci init",
    { args: {}, options: { provider: "gitlab", nixVersion: "2.35.2", ...dryForce } },
  ],
  [
    "runner add ci-1 --provider github --url https://github.com/acme --token-file /run/t --labels nixos,big",
    "runner add",
    {
      args: { name: "ci-1" },
      options: {
        provider: "github",
        url: "https://github.com/acme",
        tokenFile: "/run/t",
        count: "1",
        labels: "nixos,big",
        ...dryForce,
      },
    },
  ],
  [
    "host add web-1 --role staging --system aarch64-linux",
    "host add",
    { args: { name: "web-1" }, options: { role: "staging", address: undefined, system: "aarch64-linux", ...dryForce } },
  ],
  [
    "team add alice --key alice.pub --groups wheel,ops --jump-only --expires 2026-12-31",
    "team add",
    {
      args: { user: "alice" },
      options: { key: "alice.pub", groups: "wheel,ops", expires: "2026-12-31", jumpOnly: true, ...dryForce },
    },
  ],
  ["team remove bob --force", "team remove", { args: { user: "bob" }, options: { dryRun: false, force: true } }],
  [
    "image build web-1 --format qemu --override-input nixpkgs=path:/a,b",
    "image build",
    { args: { host: "web-1" }, options: { format: "qemu", overrideInput: ["nixpkgs=path:/a,b"], dryRun: false } },
  ],
  ["image formats", "image formats", { args: { host: undefined }, options: { overrideInput: [] } }],
  [
    "rollout plan --role bastion",
    "rollout plan",
    { args: {}, options: { host: [], role: ["bastion"], tag: [], overrideInput: [] } },
  ],
  [
    "rollout apply --host a,b --host c --tag eu --waves 1,rest --failure-budget 10% --mode boot --pause",
    "rollout apply",
    {
      args: {},
      options: {
        host: ["a", "b", "c"],
        role: [],
        tag: ["eu"],
        waves: "1,rest",
        concurrency: undefined,
        failureBudget: "10%",
        bake: undefined,
        pause: true,
        mode: "boot",
        buildHost: undefined,
        substituteOnDestination: false,
        healthTimeout: undefined,
        confirmTimeout: undefined,
        activationTimeout: undefined,
        overrideInput: [],
        dryRun: false,
      },
    },
  ],
  [
    "rollout status 20261125T101500Z-k3f9 --probe",
    "rollout status",
    { args: { id: "20261125T101500Z-k3f9" }, options: { probe: true } },
  ],
  ["rollout resume", "rollout resume", { args: { id: undefined }, options: {} }],
  [
    "rollout rollback 20261125T101500Z-k3f9",
    "rollout rollback",
    { args: { id: "20261125T101500Z-k3f9" }, options: {} },
  ],
  ["completion fish", "completion", { args: { shell: "fish" }, options: {} }],
  ["__complete -- shell --", "__complete", { args: {}, options: {}, rest: ["shell", "--"] }],
];

describe("the typed option table: command line → handler input", () => {
  it.each(table)("paved %s", async (line, command, input) => {
    const result = await run(words(line));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.seen).toEqual([{ command, input, globals: expect.any(Object) }]);
  });

  it("covers every command of the registry", () => {
    const covered = new Set(table.map(([, command]) => command));
    expect(commands.map((definition) => definition.name).filter((name) => !covered.has(name))).toEqual([]);
  });

  it("global flags work before and after the command's name, and not inside `shell -- CMD`", async () => {
    for (const line of [
      "--json -C /tmp -q status",
      "status --json --dir /tmp --quiet",
      "rollout --json plan -C /tmp -q",
    ]) {
      const { seen } = await run(words(line));
      expect(seen[0]!.globals).toMatchObject({ json: true, dir: "/tmp", quiet: true, verbose: false });
    }
    const { seen } = await run(words("shell -- jq --json -v"));
    expect(seen[0]!.globals).toMatchObject({ json: false, verbose: false });
    expect(seen[0]!.input.rest).toEqual(["jq", "--json", "-v"]);
  });
});

describe("usage errors exit 2, with and without --help", () => {
  const usage: Array<[string, RegExp]> = [
    ["upgrade", /unknown command 'upgrade'/],
    ["upgrade --help", /unknown command 'upgrade'/],
    ["statuss", /unknown command 'statuss' \(did you mean status\?\)/],
    ["rollout bogus", /unknown command 'bogus'/],
    ["rollout bogus --help", /unknown command 'bogus'/],
    // A group without its subcommand prints its help on stderr, as an error.
    ["rollout", /Usage: paved rollout[\s\S]*Commands:[\s\S]*plan/],
    ["", /Usage: paved \[options\] \[command\]/],
    ["shell --stale-okk -- true", /unknown option '--stale-okk' \(did you mean --stale-ok\?\)/],
    ["host add web-1", /--role <role>.*not specified/],
    ["rollout apply --mode sideways", /sideways.*invalid.*switch, boot, test/],
    ["completion tcsh", /tcsh.*invalid.*bash, zsh, fish/],
    ["status --version", /unknown option '--version'/],
  ];
  it.each(usage)("paved %s", async (line, message) => {
    const result = await run(words(line));
    expect(result.code).toBe(2);
    expect(result.seen).toEqual([]);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    if (!result.stderr.startsWith("Usage:"))
      expect(result.stderr).toMatch(/^error \[E_USAGE\] .*\nhint: see `paved --help`/);
  });

  it("a command after `paved shell NAME` without `--` is a usage error that shows where `--` goes", async () => {
    const result = await run(words("--json shell api make test"));
    expect(result.code).toBe(2);
    expect(result.seen).toEqual([]);
    expect(JSON.parse(result.stdout)).toEqual({
      error: expect.objectContaining({
        code: "E_USAGE",
        message: 'paved shell: unexpected argument "make"',
        hint: "Put the command after --: paved shell [NAME] -- make test",
      }),
    });
  });

  it("with --json, a usage error is a JSON document on stdout with its code and hint", async () => {
    for (const line of ["--json upgrade", "status --bogus --json", "--json host add web-1"]) {
      const result = await run(words(line));
      expect(result.code).toBe(2);
      const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
      expect(error.code).toBe("E_USAGE");
      expect(error.message).not.toMatch(/^error:/);
      expect(error.hint).toContain("paved --help");
    }
  });

  it("a handler's own E_USAGE keeps its hint in --json", async () => {
    // image build checks --format before it reads anything; the real handler runs.
    let stdout = "";
    const code = await main(words("--json image build web-1"), {
      stdout: (text) => void (stdout += text),
      stderr: () => {},
    });
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      error: expect.objectContaining({
        code: "E_USAGE",
        message: "image build needs --format",
        hint: expect.stringContaining("paved image formats"),
      }),
    });
  });
});

describe("help", () => {
  it("subcommand help lists the global flags", async () => {
    for (const line of ["status --help", "rollout apply --help", "shell add --help", "help status"]) {
      const result = await run(words(line));
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Global Options:");
      for (const flag of ["--json", "-C, --dir <path>", "-q, --quiet", "-v, --verbose"])
        expect(result.stdout).toContain(flag);
    }
  });

  it("paved shell --help lists --nixpkgs, --dry-run and the command after --", async () => {
    const result = await run(["shell", "--help"]);
    expect(result.code).toBe(0);
    for (const text of [
      "Usage: paved shell [options] [name] [-- CMD ARGS…]",
      "--nixpkgs <path>",
      "--dry-run",
      "--stale-ok",
      "--refresh",
      "add [options]",
    ]) {
      expect(result.stdout).toContain(text);
    }
  });

  // A command's options are built only when the command line names it (start-up): every way of asking for its help,
  // and the command lists, must still show them whole.
  it("`help CMD` and `CMD --help` print the same, and the command list shows each command's arguments", async () => {
    for (const name of ["shell", "rollout apply", "host add", "completion"]) {
      const viaHelp = await run(["help", ...words(name)]);
      const viaFlag = await run([...words(name), "--help"]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
      expect(viaHelp.stdout).toMatch(/Options:\n {2}-/);
    }
    const list = (await run(["--help"])).stdout;
    expect(list).toMatch(/\n {2}shell \[options\] \[name\] /);
    expect(list).toMatch(/\n {2}completion <shell> /);
    expect((await run(["rollout", "--help"])).stdout).toMatch(/\n {2}apply \[options\] /);
  });

  it("help is exit 0 for real commands and groups; --help before a command is paved's help", async () => {
    for (const [line, text] of [
      ["--help", "Commands:"],
      ["rollout --help", "Subcommands: plan, apply"],
      ["--help status", "Commands:"],
      ["-V", "0."],
    ] as const) {
      const result = await run(words(line));
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(text);
      expect(result.seen).toEqual([]);
    }
  });
});
