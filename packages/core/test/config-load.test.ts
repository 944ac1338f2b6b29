// Loading paved.yaml: valid files of each section, and every kind of bad input with its exact line:col.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CURRENT_STABLE_RELEASE,
  DEFAULT_PAVED_FLAKE,
  DEFAULT_SYSTEMS,
  loadConfig,
  nixpkgsFlakeRef,
  parseConfig,
  type ConfigProblem,
} from "@paved/core";
import { isPavedError, type PavedError } from "../src/errors.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN7mIBuPNmDBkGvyVsN/pKd9MnLQpOVyd1KwipoevVqV alice@example";
const TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

function failure(text: string): PavedError {
  try {
    parseConfig(text);
  } catch (error) {
    if (isPavedError(error)) return error;
    throw error;
  }
  throw new Error("expected paved.yaml to be rejected");
}

function problems(text: string): ConfigProblem[] {
  return failure(text).details.problems as ConfigProblem[];
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-config-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("valid paved.yaml", () => {
  it("minimal file gets every default", () => {
    const { config } = parseConfig("version: 1\n");
    expect(config).toEqual({
      version: 1,
      nixpkgs: { release: CURRENT_STABLE_RELEASE },
      platform: { paved: DEFAULT_PAVED_FLAKE },
      systems: DEFAULT_SYSTEMS,
      shells: {},
      detect: { include: [], exclude: [] },
      hosts: {},
      roles: {},
      repos: [],
    });
  });

  it("application repository: nixpkgs, systems, shells, ci", () => {
    const { config } = parseConfig(`# an app
version: 1
nixpkgs:
  release: "26.05"
  path: ../nixpkgs-mirror
systems: [x86_64-linux, aarch64-darwin]
shells:
  default:
    packages: [jq, python313Packages.pytest]
    toolchains:
      node: { version: "22", attr: nodejs_22, from: .nvmrc }
      pnpm: { version: 10.34.8 }
    env:
      NODE_ENV: development
    shellHook: echo hi
    unfree: [terraform]
  api:
    dir: services/api
    toolchains:
      go: { version: "1.24", attr: go_1_24, from: go.mod }
ci:
  provider: github
  nixVersion: "2.28.3"
  steps:
    default: [pnpm install --frozen-lockfile, pnpm test]
    api: [go test ./...]
  cache: { kind: cachix, name: acme, tokenSecret: CACHIX_AUTH_TOKEN }
  selfHosted: { labels: [nix, x64] }
`);
    expect(config.nixpkgs).toEqual({ release: "26.05", path: "../nixpkgs-mirror" });
    expect(nixpkgsFlakeRef(config.nixpkgs, "/repo")).toBe("path:/nixpkgs-mirror");
    expect(config.systems).toEqual(["x86_64-linux", "aarch64-darwin"]);
    expect(config.shells.default!.toolchains.node).toEqual({ version: "22", attr: "nodejs_22", from: ".nvmrc" });
    expect(config.shells.default!.toolchains.pnpm!.version).toBe("10.34.8");
    expect(config.shells.api).toEqual({
      dir: "services/api",
      packages: [],
      toolchains: { go: { version: "1.24", attr: "go_1_24", from: "go.mod" } },
      env: {},
      unfree: [],
    });
    expect(config.ci).toEqual({
      provider: "github",
      nixVersion: "2.28.3",
      steps: { default: ["pnpm install --frozen-lockfile", "pnpm test"], api: ["go test ./..."] },
      cache: { kind: "cachix", name: "acme", tokenSecret: "CACHIX_AUTH_TOKEN" },
      selfHosted: { labels: ["nix", "x64"], hasNix: true },
      timeoutMinutes: 30,
    });
  });

  it("platform repository: team, hosts, roles, rollout, repos", () => {
    const { config } = parseConfig(`version: 1
team:
  groups: [ops]
  users:
    alice:
      keys: ["${KEY}"]
      groups: [wheel, ops]
      expires: 2026-12-31
    bob:
      keys: [keys/bob.pub]
      jumpOnly: true
hosts:
  bastion-1:
    role: bastion
    address: 10.0.0.5
    tags: [eu]
  runner-1:
    role: ci-runner
    system: aarch64-linux
    runner:
      provider: gitlab
      url: https://gitlab.example.com
      tokenFile: /run/secrets/gitlab-runner
      count: 4
roles:
  bastion:
    sshAllowFrom: [10.0.0.0/8, "2001:db8::/32"]
    modules: { monitoring: true }
rollout:
  waves:
    - { name: canary, hosts: 1 }
    - { name: eu, hosts: { tags: [eu] }, pause: true }
    - { name: quarter, hosts: "25%", bake: 5m }
    - { name: rest, hosts: rest }
  concurrency: 10
  failureBudget: 10%
  healthChecks:
    - { type: systemd, units: [sshd.service] }
    - { type: http, url: "http://localhost:9100/metrics" }
    - { type: command, run: "systemctl is-system-running" }
repos: [../api, ../web]
`);
    expect(config.team!.users.alice).toEqual({
      keys: [KEY],
      groups: ["wheel", "ops"],
      expires: "2026-12-31",
      jumpOnly: false,
    });
    expect(config.team!.users.bob!.jumpOnly).toBe(true);
    expect(config.hosts["bastion-1"]).toEqual({
      role: "bastion",
      address: "10.0.0.5",
      system: "x86_64-linux",
      tags: ["eu"],
    });
    expect(config.hosts["runner-1"]!.runner).toEqual({
      provider: "gitlab",
      url: "https://gitlab.example.com",
      tokenFile: "/run/secrets/gitlab-runner",
      count: 4,
      labels: [],
    });
    expect(config.roles.bastion).toEqual({
      sshAllowFrom: ["10.0.0.0/8", "2001:db8::/32"],
      modules: { baseline: true, logging: false, monitoring: true },
    });
    expect(config.rollout!.waves.map((w) => w.hosts)).toEqual([1, { tags: ["eu"] }, "25%", "rest"]);
    expect(config.rollout!.healthChecks[1]).toEqual({
      type: "http",
      url: "http://localhost:9100/metrics",
      expectStatus: 200,
      timeout: "10s",
    });
    expect(config.rollout).toMatchObject({
      concurrency: 10,
      failureBudget: "10%",
      bake: "0s",
      confirmTimeout: "120s",
      mode: "switch",
    });
    expect(config.repos).toEqual(["../api", "../web"]);
  });

  it("an empty rollout section gets the default waves", () => {
    const { config } = parseConfig("version: 1\nrollout: {}\n");
    expect(config.rollout!.waves).toEqual([
      { name: "canary", hosts: 1, pause: false },
      { name: "early", hosts: "25%", pause: false },
      { name: "rest", hosts: "rest", pause: false },
    ]);
  });

  it("x- keys hold anchors; merge keys share settings between hosts", () => {
    const { config } = parseConfig(
      "version: 1\nx-staging: &staging\n  role: staging\n  tags: [eu]\nhosts:\n  a:\n    <<: *staging\n  b:\n    <<: *staging\n    tags: [us]\n",
    );
    expect(config.hosts).toEqual({
      a: { role: "staging", system: "x86_64-linux", tags: ["eu"] },
      b: { role: "staging", system: "x86_64-linux", tags: ["us"] },
    });
    expect(config).not.toHaveProperty("x-staging");
  });

  it("loadConfig reads <dir>/paved.yaml", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "paved.yaml"), "version: 1\nrepos: [a]\n");
    const loaded = await loadConfig(dir);
    expect(loaded.file).toBe(join(dir, "paved.yaml"));
    expect(loaded.config.repos).toEqual(["a"]);
    expect(loaded.doc.getIn(["repos", 0])).toBe("a");
  });
});

describe("bad paved.yaml", () => {
  it("missing file: E_CONFIG_MISSING with a paved init hint", async () => {
    const dir = await tempDir();
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect(isPavedError(error, "E_CONFIG_MISSING")).toBe(true);
    expect((error as PavedError).hint).toContain("paved init");
    const nowhere = await loadConfig(join(dir, "does-not-exist")).catch((e: unknown) => e);
    expect(isPavedError(nowhere, "E_CONFIG_MISSING")).toBe(true);
  });

  it("a directory where the file should be: E_FILE_READ", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "paved.yaml"));
    expect(isPavedError(await loadConfig(dir).catch((e: unknown) => e), "E_FILE_READ")).toBe(true);
  });

  it("malformed YAML: E_CONFIG_PARSE at the parser's line:col", () => {
    const error = failure("version: 1\nshells:\n  default:\n    packages: [jq, git\n  api: {}\n");
    expect(error.code).toBe("E_CONFIG_PARSE");
    expect(error.details).toMatchObject({ file: "paved.yaml", line: 5, col: 3 });
    expect(error.message).toMatch(/^paved\.yaml:5:3: /);
  });

  it("duplicate keys and tabs are parse errors", () => {
    expect(failure("version: 1\nversion: 1\n").details).toMatchObject({ line: 2, col: 1 });
    expect(failure("version: 1\nshells:\n\tdefault: {}\n").code).toBe("E_CONFIG_PARSE");
  });

  it("several documents, alias bombs and binary values are refused", () => {
    expect(failure("version: 1\n---\nversion: 1\n").message).toBe(
      "paved.yaml:2:1: paved.yaml must hold a single YAML document (remove the `---` separator)",
    );
    const bomb = [
      "a: &a [1,1,1,1,1,1,1,1,1,1]",
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    ];
    expect(failure(`${bomb.join("\n")}\n`).code).toBe("E_CONFIG_PARSE");
    expect(problems("version: 1\nhosts: !!binary aGVsbG8=\n")[0]).toMatchObject({
      line: 2,
      col: 17,
      path: "hosts",
      found: "binary data",
    });
  });

  it("a parse error never echoes the source line (it could hold a pasted secret)", () => {
    const error = failure(`version: 1\nci: [${TOKEN}\nfoo: bar: baz\n`);
    expect(error.code).toBe("E_CONFIG_PARSE");
    expect(error.message + JSON.stringify(error.details)).not.toContain(TOKEN.slice(4));
  });

  it("wrong enum value: path, expected, got and did-you-mean at line:col", () => {
    const error = failure("version: 1\nhosts:\n  bastion-1:\n    role: bastoin\n");
    expect(error.code).toBe("E_CONFIG_INVALID");
    expect(error.message).toContain(
      'paved.yaml:4:11: hosts.bastion-1.role: expected one of bastion, staging, internal, ci-runner, cache, got "bastoin" (did you mean "bastion"?)',
    );
    expect(problems("version: 1\nhosts:\n  bastion-1:\n    role: bastoin\n")[0]).toMatchObject({
      line: 4,
      col: 11,
      path: "hosts.bastion-1.role",
      suggestion: "bastion",
    });
  });

  it("unknown key points at the key, with did-you-mean", () => {
    const [problem] = problems("version: 1\nshells:\n  default:\n    pakages: [jq]\n");
    expect(problem).toMatchObject({ line: 4, col: 5, path: "shells.default.pakages", suggestion: "packages" });
    const [top] = problems("version: 1\nshell: {}\n");
    expect(top).toMatchObject({ line: 2, col: 1, path: "shell", suggestion: "shells" });
  });

  it("wrong types, with what YAML made of the value", () => {
    const list = problems(
      'version: 1\nnixpkgs:\n  release: 24.10\nsystems: x86_64-linux\nci:\n  provider: github\n  timeoutMinutes: "30"\n',
    );
    expect(list.map((p) => [p.line, p.col, p.path, p.found])).toEqual([
      [3, 12, "nixpkgs.release", "number 24.10 (quote it to make it a string)"],
      [4, 10, "systems", '"x86_64-linux"'],
      [7, 19, "ci.timeoutMinutes", '"30"'],
    ]);
  });

  it("a missing required key points at the map that lacks it", () => {
    const [problem] = problems("version: 1\nhosts:\n  web-1:\n    address: 10.0.0.1\n");
    expect(problem).toMatchObject({ line: 4, col: 5, path: "hosts.web-1.role", found: "nothing (the key is missing)" });
    expect(problems("# nothing yet\n")[0]).toMatchObject({ line: 1, col: 1, path: "version" });
  });

  it("collects all problems, sorted by position", () => {
    const list = problems(`version: 2
hosts:
  Web_1:
    role: staging
    tags: [a, a]
team:
  groups: [ops]
  users:
    carol:
      keys: ["${KEY}"]
      groups: [opz]
rollout:
  waves:
    - name: a
      hosts: 0
    - name: b
      hosts: {tgas: [eu]}
`);
    expect(list.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual([
      "1:10 version",
      "3:3 hosts.Web_1",
      "5:15 hosts.Web_1.tags[1]",
      "11:16 team.users.carol.groups[0]",
      "15:14 rollout.waves[0].hosts",
      "17:15 rollout.waves[1].hosts.tgas",
    ]);
    expect(list.find((p) => p.path === "team.users.carol.groups[0]")!.suggestion).toBe("ops");
  });

  it("cross-section checks: ci steps for an unknown shell, rollout names an unknown host", () => {
    const list = problems(
      "version: 1\nshells:\n  default: {}\nhosts:\n  web-1: { role: staging }\nci:\n  provider: gitlab\n  steps:\n    defualt: [make]\nrollout:\n  waves:\n    - { name: a, hosts: { names: [web-2] } }\n",
    );
    expect(list.map((p) => [p.line, p.col, p.path, p.suggestion])).toEqual([
      [9, 5, "ci.steps.defualt", "default"],
      [12, 35, "rollout.waves[0].hosts.names[0]", "web-1"],
    ]);
  });

  it("section rules: runner only on ci-runner hosts, cachix needs a name, url or path", () => {
    const list = problems(
      "version: 1\nnixpkgs: { url: 'github:NixOS/nixpkgs/nixos-unstable', path: /srv/nixpkgs }\nci: { provider: github, cache: { kind: cachix } }\nhosts:\n  r1: { role: ci-runner }\n  s1:\n    role: staging\n    runner: { provider: github, url: 'https://github.com/acme', tokenFile: /run/t }\n",
    );
    expect(list.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual([
      "2:62 nixpkgs.path",
      "3:32 ci.cache.name",
      "5:7 hosts.r1.runner",
      "8:5 hosts.s1.runner",
    ]);
  });

  it("team: private key refused as a secret, bad public key, bad date", () => {
    const privateKey =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----";
    const text = `version: 1\nteam:\n  users:\n    dan:\n      keys:\n        - |\n${privateKey
      .split("\n")
      .map((l) => `          ${l}`)
      .join("\n")}\n        - ssh-ed25519 AAAAC3NzaC1yc2EAAAAIN7mIBuPNmDBkGvyVsN\n      expires: 2026-02-30\n`;
    const error = failure(text);
    expect(error.code).toBe("E_SECRET_LITERAL");
    expect(error.message).not.toContain("b3BlbnNzaC1rZXkt");
    expect((error.details.problems as ConfigProblem[]).map((p) => [p.line, p.col, p.path, p.code])).toEqual([
      [6, 11, "team.users.dan.keys[0]", "E_SECRET_LITERAL"],
      [10, 11, "team.users.dan.keys[1]", "E_CONFIG_INVALID"],
      [11, 16, "team.users.dan.expires", "E_CONFIG_INVALID"],
    ]);
  });

  it("a literal token where a token file belongs: E_SECRET_LITERAL, never echoed", () => {
    const text = `version: 1\nhosts:\n  runner-1:\n    role: ci-runner\n    runner:\n      provider: github\n      url: https://github.com/acme\n      tokenFile: ${TOKEN}\n`;
    const error = failure(text);
    expect(error.code).toBe("E_SECRET_LITERAL");
    expect(error.message).toContain(
      "paved.yaml:8:18: hosts.runner-1.runner.tokenFile: expected an absolute path to a secret file outside the Nix store, got what looks like a literal secret (ghp_…)",
    );
    const everything = JSON.stringify({ message: error.message, hint: error.hint, ...error.toJSON() });
    expect(everything).not.toContain(TOKEN.slice(4, 12));
  });

  it("a token in a shell env var is refused too (env ends up in the Nix store)", () => {
    const [problem] = problems(
      `version: 1\nshells:\n  default:\n    env:\n      GITLAB_TOKEN: glpat-abcdefghij0123456789\n`,
    );
    expect(problem).toMatchObject({
      code: "E_SECRET_LITERAL",
      line: 5,
      col: 21,
      found: "what looks like a literal secret (glpat-…)",
    });
  });

  it("store paths and relative paths are not secret files", () => {
    const base =
      "version: 1\nhosts:\n  r:\n    role: ci-runner\n    runner: { provider: github, url: 'https://github.com/a', tokenFile: ";
    expect(problems(`${base}/nix/store/abc-token }\n`)[0]).toMatchObject({
      code: "E_CONFIG_INVALID",
      line: 5,
      col: 73,
    });
    expect(problems(`${base}secrets/token.txt }\n`)[0]!.found).toBe('"secrets/token.txt"');
    // no slash at all: maybe a short secret, so only a masked prefix is shown
    expect(problems(`${base}hunter2 }\n`)[0]!.found).toBe('"hu…" (not a path)');
    const hex = "3f786850e387550fdab836ed7e6dc881de23001b3f786850e3875";
    const [long] = problems(`${base}${hex} }\n`);
    expect(long).toMatchObject({ code: "E_SECRET_LITERAL", found: "what looks like a literal secret (3f…)" });
  });
});
