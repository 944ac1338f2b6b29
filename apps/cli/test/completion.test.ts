// `paved completion bash|zsh|fish`, sourced in the real shells and asked for completions the way each shell asks:
// bash calls the registered function with COMP_WORDS/COMP_CWORD, zsh runs the function compdef registered with
// compadd captured, fish answers `complete -C`. Every answer comes from the bundled paved on PATH.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { pavedBin } from "./_cli.ts";
import { complete } from "../src/completion/_engine.ts";
import { repositoryFacts } from "../src/completion/_facts.ts";
import { commands } from "../src/registry.ts";

const ROLLOUT = "20261125T101500Z-k3f9";
let root: string;
let repo: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  for (const tool of ["bash", "zsh", "fish"]) requireTool(tool);
  root = mkdtempSync(join(tmpdir(), "paved-completion-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  symlinkSync(pavedBin, join(bin, "paved"));
  repo = join(root, "platform");
  mkdirSync(join(repo, ".paved", "rollouts"), { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: repo });
  writeFileSync(
    join(repo, "paved.yaml"),
    [
      "version: 1",
      "shells:",
      "  default: {}",
      "  api:",
      "    dir: services/api",
      "  web-frontend: {}",
      "hosts:",
      "  bastion-1: { role: bastion }",
      "  web-1: { role: staging }",
      "  web-2: { role: staging }",
      "",
    ].join("\n"),
  );
  writeFileSync(join(repo, ".paved", "rollouts", `${ROLLOUT}.jsonl`), "");
  mkdirSync(join(repo, "services", "api"), { recursive: true });
  writeFileSync(join(repo, "migration-notes.txt"), "");
  const home = join(root, "home");
  mkdirSync(home);
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    NO_COLOR: "1",
    LANG: "C.UTF-8",
  };
});

/** The command lines asked about, as typed before Tab (a trailing space means "complete a new word"). */
const LINES = {
  command: "paved sh",
  shellNames: "paved shell ",
  shellFlag: "paved shell --dr",
  hosts: "paved rollout apply --host ",
  hostPrefix: "paved rollout plan --host web",
  imageHost: "paved image build ",
  rolloutId: "paved rollout status ",
  mode: "paved rollout apply --mode ",
  completion: "paved completion ",
  files: "paved report --html migr",
  group: "paved rollout ",
  afterDash: "paved shell api -- ",
  addShell: "paved shell add --shell ",
};
type Key = keyof typeof LINES;

function sections(output: string): Record<Key | "registered", string[]> {
  const result: Record<string, string[]> = {};
  let current: string | undefined;
  for (const line of output.split("\n")) {
    const header = /^### (\w+)$/.exec(line);
    if (header) result[(current = header[1]!)] = [];
    else if (current !== undefined && line !== "") result[current]!.push(line);
  }
  return result as Record<Key | "registered", string[]>;
}

function shellWords(line: string): string[] {
  const words = line.split(" ");
  return words;
}

function runShell(program: string, args: string[], cwd: string): string {
  return execFileSync(program, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
}

/** What each shell offered, per LINES key (values only, descriptions cut off). */
const offered: Partial<Record<"bash" | "zsh" | "fish", Record<Key, string[]>>> = {};

function expectCompletions(shell: "bash" | "zsh" | "fish"): void {
  const got = offered[shell]!;
  expect(got.command).toEqual(["shell"]);
  expect(new Set(got.shellNames)).toEqual(new Set(["add", "remove", "default", "api", "web-frontend"]));
  expect(got.shellFlag).toEqual(["--dry-run"]);
  expect(new Set(got.hosts)).toEqual(new Set(["bastion-1", "web-1", "web-2"]));
  expect(new Set(got.hostPrefix)).toEqual(new Set(["web-1", "web-2"]));
  expect(new Set(got.imageHost)).toEqual(new Set(["bastion-1", "web-1", "web-2"]));
  expect(got.rolloutId).toEqual([ROLLOUT]);
  expect(new Set(got.mode)).toEqual(new Set(["switch", "boot", "test"]));
  expect(new Set(got.completion)).toEqual(new Set(["bash", "zsh", "fish"]));
  expect(new Set(got.group)).toEqual(new Set(["plan", "apply", "status", "resume", "rollback"]));
  expect(new Set(got.addShell)).toEqual(new Set(["default", "api", "web-frontend"]));
}

describe("paved completion", () => {
  it("bash: `complete -p` shows the function, and calling it with COMP_WORDS/COMP_CWORD fills COMPREPLY", () => {
    const queries = Object.entries(LINES).map(([key, line]) => {
      const words = shellWords(line);
      const quoted = words.map((word) => `'${word}'`).join(" ");
      return `echo '### ${key}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _paved_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    });
    const script = [
      "set -e",
      "source <(paved completion bash)",
      "echo '### registered'",
      "complete -p paved",
      ...queries,
    ].join("\n");
    const output = runShell("bash", ["--norc", "--noprofile", "-c", script], repo);
    const got = sections(output);
    expect(got.registered).toEqual(["complete -F _paved_complete paved"]);
    offered.bash = got;
    expectCompletions("bash");
    expect(got.files).toEqual(["migration-notes.txt"]);
    // After `--` comes the user's own command: bash offers command names.
    expect(got.afterDash).toContain("bash");
  });

  it("zsh: compinit registers _paved for paved, and _paved hands its candidates and descriptions to compadd", () => {
    // compadd and _files only work inside a completion widget; the harness stands in for them and prints what
    // they were given, so the real _paved (and zsh's own parameter expansions) run unchanged.
    const harness = [
      "autoload -Uz compinit && compinit -u -D",
      "source <(paved completion zsh)",
      "echo '### registered'; print -r -- $_comps[paved]",
      "compadd() { local d; while (( $# )); do case $1 in (-d) d=$2; shift ;; (-a) print -rl -- ${(P)2}; [[ -n $d ]] && print -rl -- ${(P)d} >> $DESCRIPTIONS; shift ;; esac; shift; done }",
      '_files() { print -r -- ":files $*" }',
      "_command_names() { print -r -- ':commands' }",
    ];
    const queries = Object.entries(LINES).map(([key, line]) => {
      const words = shellWords(line);
      return `echo '### ${key}'; words=(${words.map((word) => `'${word}'`).join(" ")}); CURRENT=${words.length}; _paved`;
    });
    const descriptions = join(root, "zsh-descriptions.txt");
    const output = execFileSync("zsh", ["-f", "-c", [...harness, ...queries].join("\n")], {
      cwd: repo,
      env: { ...env, DESCRIPTIONS: descriptions },
      encoding: "utf8",
    });
    const got = sections(output);
    expect(got.registered).toEqual(["_paved"]);
    offered.zsh = got;
    expectCompletions("zsh");
    expect(got.files).toEqual([":files "]);
    expect(got.afterDash).toEqual([":commands"]);
    expect(execFileSync("cat", [descriptions], { encoding: "utf8" })).toMatch(/^--dry-run {2}-- say which shell/m);
  });

  it("fish: `complete -C` offers the candidates with their descriptions", () => {
    const queries = Object.entries(LINES).map(([key, line]) => `echo '### ${key}'; complete -C '${line}'`);
    const script = ["paved completion fish | source", ...queries].join("\n");
    const output = runShell("fish", ["--no-config", "-c", script], repo);
    const raw = sections(output);
    const got = Object.fromEntries(
      Object.entries(raw).map(([key, lines]) => [key, lines.map((line) => line.split("\t")[0]!)]),
    ) as Record<Key, string[]>;
    offered.fish = got;
    expectCompletions("fish");
    expect(got.files).toEqual(["migration-notes.txt"]);
    expect(raw.command).toEqual([expect.stringMatching(/^shell\tEnter the project's dev shell/)]);
    expect(raw.hosts.every((line) => line.endsWith("\thost"))).toBe(true);
  });

  it("reads shells and hosts of the repository given with -C, from anywhere", () => {
    const output = runShell(
      "fish",
      [
        "--no-config",
        "-c",
        `paved completion fish | source; complete -C 'paved -C platform shell '; complete -C 'paved --dir=platform host add x --role '`,
      ],
      root,
    );
    const values = output
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t")[0]);
    expect(new Set(values)).toEqual(
      new Set(["add", "remove", "default", "api", "web-frontend", "bastion", "staging", "internal"]),
    );
  });

  it("outside any repository it still completes commands and flags, and offers no names", () => {
    const outside = mkdtempSync(join(tmpdir(), "paved-completion-outside-"));
    const output = runShell(
      "bash",
      [
        "--norc",
        "--noprofile",
        "-c",
        'source <(paved completion bash); COMP_WORDS=(paved rollout apply --host \'\'); COMP_CWORD=4; _paved_complete; echo "n=${#COMPREPLY[@]}"; COMP_WORDS=(paved do); COMP_CWORD=1; _paved_complete; echo "${COMPREPLY[@]}"',
      ],
      outside,
    );
    expect(output.split("\n")).toEqual(["n=0", "doctor", ""]);
  });
});

describe("the completion engine (what `paved __complete` answers)", () => {
  const ask = (cwd: string, line: string) => complete(commands, line.split(" "), repositoryFacts(cwd));

  it("walks global flags and their values, groups and positional arguments the way the parser does", async () => {
    expect(await ask(root, "-C platform image formats ")).toEqual({
      candidates: ["bastion-1", "web-1", "web-2"].map((value) => ({ value, description: "host" })),
    });
    expect(await ask(repo, "--json rol")).toEqual({
      candidates: [{ value: "rollout", description: expect.stringContaining("plan, apply") }],
    });
    expect(await ask(repo, "shell --nixpkgs ")).toEqual({ paths: "dirs" });
    expect(await ask(repo, "team add alice --key ")).toEqual({ paths: "files" });
    // A variadic argument of free text: nothing to offer, and never the subcommands again.
    expect(await ask(repo, "shell add jq ")).toEqual({ candidates: [] });
    // After `--`: a command, then its arguments as paths; for commands that take no command, nothing.
    expect(await ask(repo, "shell -- ")).toEqual({ commands: true });
    expect(await ask(repo, "shell -- make ")).toEqual({ paths: "files" });
    expect(await ask(repo, "status -- ")).toEqual({ candidates: [] });
  });

  it("never offers hidden commands, and offers global flags after a command", async () => {
    const top = await ask(repo, "");
    const names = "candidates" in top ? top.candidates.map((c) => c.value) : [];
    expect(names).toContain("completion");
    expect(names).not.toContain("direnv-export");
    expect(names).not.toContain("__complete");
    const flags = await ask(repo, "status --");
    expect("candidates" in flags && flags.candidates.map((c) => c.value)).toEqual([
      "--json",
      "--dir",
      "--quiet",
      "--verbose",
      "--help",
    ]);
  });
});
