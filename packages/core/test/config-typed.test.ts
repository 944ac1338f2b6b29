import { describe, expect, it } from "vitest";
import {
  isPavedError,
  isToolchainVersion,
  parseConfig,
  TOOLCHAINS,
  type ConfigProblem,
  type Toolchain,
} from "@paved/core";

function problems(text: string): ConfigProblem[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (isPavedError(error)) return error.details.problems as ConfigProblem[];
    throw error;
  }
  return [];
}

const toolchain = (tool: string, version: string) =>
  `version: 1\nshells:\n  default:\n    toolchains:\n      ${tool}:\n        version: ${JSON.stringify(version)}\n`;

describe("toolchain versions are checked per toolchain", () => {
  it.each(["banana", "22.x; rm -rf", "22 && curl evil", "$(id)", "`id`", "22 || banana", ">= ", "lts/../../etc"])(
    "node %j is refused at line:col with the accepted forms",
    (version) => {
      const [problem, ...rest] = problems(toolchain("node", version));
      expect(rest).toEqual([]);
      expect(problem).toMatchObject({
        code: "E_CONFIG_INVALID",
        line: 6,
        col: 18,
        path: "shells.default.toolchains.node.version",
      });
      expect(problem!.expected).toMatch(/a node version or range such as "22", .*"\^22".*"lts\/iron"/);
      expect(problem!.text).toMatch(
        /^paved\.yaml:6:18: shells\.default\.toolchains\.node\.version: expected a node version/,
      );
    },
  );

  const accepted: [Toolchain, string[]][] = [
    [
      "node",
      [
        "22",
        "22.11.0",
        "v22.1.0",
        "^22",
        "~22.1",
        ">=20 <23",
        ">=20, <23",
        "20 || 22",
        "22.x",
        "lts",
        "lts/iron",
        "lts/*",
        "latest",
        "18.0.0 - 20.1.0",
      ],
    ],
    ["pnpm", ["10", "9.15.9", "9.15.9+sha512.0a1b2c3d", ">=9"]],
    ["python", ["3.12", "3.12.4", "3.12.*", ">=3.11,<3.14", "~=3.12", "==3.12.1", "!=3.10,>=3.9", "3.13.0rc1"]],
    ["go", ["1.24", "1.24.3", ">=1.24", "1.25rc1"]],
    [
      "rust",
      [
        "stable",
        "beta",
        "nightly",
        "nightly-2026-01-15",
        "1.85",
        "1.85.0",
        ">=1.80",
        "stable-x86_64-unknown-linux-gnu",
      ],
    ],
    ["java", ["21", "17.0.2", "21.0.2+13"]],
    ["ruby", ["3.3", "3.3.0", "~> 3.3", ">= 3.1, < 4", "3.4.0-preview1"]],
    ["php", ["8.3", "^8.2", ">=8.1", "8.1.*", "^7.4|^8.0", "^7.4 || ^8.0"]],
    ["dotnet", ["8", "8.0", "8.0.100", "8.0.1xx"]],
    ["terraform", ["1.9.5", "~> 1.9", ">= 1.5, < 2.0", "latest"]],
    ["opentofu", ["1.8.3", "~> 1.8"]],
  ];
  it.each(accepted)("%s accepts the forms its ecosystem writes", (tool, versions) => {
    for (const version of versions) expect(problems(toolchain(tool, version)), `${tool} ${version}`).toEqual([]);
  });

  it('every toolchain accepts "*", what paved init writes for a toolchain used without a version (corpus: cachix/devenv\'s Cargo.toml)', () => {
    for (const [tool] of accepted) expect(problems(toolchain(tool, "*")), tool).toEqual([]);
  });

  it("operators of one ecosystem are not taken for another", () => {
    expect(isToolchainVersion("python", "^3.12")).toBe(false);
    expect(isToolchainVersion("node", "~=22")).toBe(false);
    expect(isToolchainVersion("go", "^1.24")).toBe(false);
    expect(isToolchainVersion("rust", "banana-2026-01-01")).toBe(false);
    for (const tool of TOOLCHAINS) expect(isToolchainVersion(tool, "22; rm -rf /"), tool).toBe(false);
  });
});

const host = (field: string, value: string) =>
  `version: 1\nhosts:\n  web-1:\n    role: staging\n    ${field}: ${JSON.stringify(value)}\n`;

describe("names, addresses, labels, URLs and networks have their real grammars", () => {
  it.each(["web-1.example.com", "10.0.0.5", "2001:db8::1", "bastion", "xn--bcher-kva.example"])(
    "address %s is accepted",
    (address) => {
      expect(problems(host("address", address))).toEqual([]);
    },
  );

  it.each([
    "-web",
    "web-.example.com",
    "web..example.com",
    "a".repeat(64),
    "10.0.0.256",
    "example.123",
    "web_1",
    "host:22",
    `${"a.".repeat(127)}a`,
  ])("address %s is refused at 5:14", (address) => {
    expect(problems(host("address", address))[0]).toMatchObject({ line: 5, col: 14, path: "hosts.web-1.address" });
  });

  it.each(["root", "deploy", "_svc", "ci-bot"])("sshUser %s is accepted", (user) =>
    expect(problems(host("sshUser", user))).toEqual([]),
  );
  it.each(["Root", "1deploy", "a".repeat(33), "de ploy", "deploy;id", "-x"])("sshUser %s is refused", (user) => {
    expect(problems(host("sshUser", user))[0]).toMatchObject({ path: "hosts.web-1.sshUser" });
    expect(problems(host("sshUser", user))[0]!.expected).toMatch(/user name/);
  });

  const runner = (field: string, value: unknown) =>
    `version: 1\nhosts:\n  ci-1:\n    role: ci-runner\n    runner:\n      provider: github\n      tokenFile: /run/secrets/gh\n${field === "url" ? "" : "      url: https://github.com/acme\n"}      ${field}: ${JSON.stringify(value)}\n`;

  it("runner URLs: https with a real host, no credentials, query or fragment", () => {
    for (const url of [
      "https://github.com/acme",
      "https://github.com/acme/app",
      "https://gitlab.example.com",
      "https://gitlab.example.com:8443/",
    ]) {
      expect(problems(runner("url", url)), url).toEqual([]);
    }
    for (const url of [
      "http://github.com/acme",
      "https://github.com/acme?ref=x",
      "https://github.com/acme#x",
      "https://exa mple.com",
      "https://-bad-.com",
      'https://github.com/acme"',
      "https://{host}/x",
      "ftp://github.com/acme",
    ]) {
      expect(problems(runner("url", url))[0], url).toMatchObject({ path: "hosts.ci-1.runner.url", line: 8, col: 12 });
    }
  });

  it("runner labels: letters, digits, . _ -", () => {
    expect(problems(runner("labels", ["nixos", "x64", "big.mem", "gpu_1"]))).toEqual([]);
    for (const label of ["with space", "a,b", "${{ x }}", "-lead", "ünïcode", 'a"b']) {
      expect(problems(runner("labels", [label]))[0], label).toMatchObject({ path: "hosts.ci-1.runner.labels[0]" });
    }
  });

  it("CIDRs: real addresses and prefixes, host bits zero (with the network it probably means)", () => {
    const role = (net: string) => `version: 1\nroles:\n  bastion:\n    sshAllowFrom: [${JSON.stringify(net)}]\n`;
    for (const net of [
      "10.0.0.0/8",
      "192.168.1.0/24",
      "10.0.0.5/32",
      "2001:db8::/32",
      "::/0",
      "0.0.0.0/0",
      "fd00::1/128",
    ])
      expect(problems(role(net)), net).toEqual([]);
    for (const net of [
      "10.0.0.0/33",
      "10.0.0.0/08",
      "10.0.0/8",
      "10.0.0.0",
      "2001:db8::/129",
      "banana/8",
      "10.0.0.0/8 ",
    ]) {
      expect(problems(role(net))[0], net).toMatchObject({ path: "roles.bastion.sshAllowFrom[0]", line: 4 });
    }
    expect(problems(role("192.168.1.5/24"))[0]).toMatchObject({ suggestion: "192.168.1.0/24" });
    expect(problems(role("2001:db8::1/32"))[0]).toMatchObject({ suggestion: "2001:db8::/32" });
  });

  it("flake references and URLs: schemes Nix reads, no quotes or interpolation", () => {
    const platform = (ref: string) => `version: 1\nplatform:\n  paved: ${JSON.stringify(ref)}\n`;
    for (const ref of [
      "github:paved-dev/paved",
      "github:paved-dev/paved/v0.1.0",
      "git+ssh://git@github.com/acme/paved?ref=main",
      "git+https://git.example.com/paved",
      "path:/srv/paved",
      "/srv/paved",
      "flake:paved",
    ]) {
      expect(problems(platform(ref)), ref).toEqual([]);
    }
    for (const ref of [
      'github:paved-dev/paved"; x',
      "${builtins.readFile /etc/shadow}",
      "javascript:alert(1)",
      "github:a",
      "git+ssh://git@exa mple.com/x",
    ]) {
      expect(problems(platform(ref))[0], ref).toMatchObject({ path: "platform.paved", line: 3 });
    }
  });
});

describe("control, invisible and bidi characters are refused in every name and description", () => {
  const hostile = [
    "\u202E",
    "\u202A",
    "\u2066",
    "\u2069",
    "\u200F",
    "\u200B",
    "\uFEFF",
    "\u0000",
    "\u001B[31m",
    "\u0085",
    "\u2028",
  ];
  it.each(hostile.map((ch) => [JSON.stringify(ch), ch]))(
    "%s in platform.name is refused at its line:col, never copied into the message",
    (_, ch) => {
      const [problem] = problems(`version: 1\nplatform:\n  name: ${JSON.stringify(`Acme${ch}evil`)}\n`);
      expect(problem).toMatchObject({ code: "E_CONFIG_INVALID", line: 3, col: 9, path: "platform.name" });
      expect(problem!.found).toMatch(/^U\+[0-9A-F]{4} \(/);
      expect(problem!.text).not.toContain(ch);
    },
  );

  it("in a team description, an x- key's value, a Loki label value, a map key", () => {
    const cases: [string, string][] = [
      [
        `version: 1\nteam:\n  users:\n    alice:\n      keys: [./alice.pub]\n      description: "Alice \u202Eevil"\n`,
        "team.users.alice.description",
      ],
      [`version: 1\nx-notes: "hello \u2066world"\n`, "x-notes"],
      [
        `version: 1\nroles:\n  staging:\n    logging:\n      sink:\n        url: https://loki.example.com\n        labels:\n          env: "prod\u202E"\n`,
        "roles.staging.logging.sink.labels.env",
      ],
      [`version: 1\nshells:\n  default:\n    env:\n      "FOO\u202E": bar\n`, 'shells.default.env["FOO\\u202E"]'],
    ];
    for (const [text, path] of cases) {
      const found = problems(text);
      expect(
        found.map((p) => p.path),
        text,
      ).toContain(path);
    }
  });

  it("line breaks are allowed where a value is a script, and nowhere else", () => {
    expect(problems(`version: 1\nshells:\n  default:\n    shellHook: |\n      echo one\n      echo two\n`)).toEqual([]);
    expect(problems(`version: 1\nplatform:\n  name: "two\\nlines"\n`)[0]).toMatchObject({ path: "platform.name" });
    // A script still may not hide a bidi override.
    expect(problems(`version: 1\nshells:\n  default:\n    shellHook: "echo \u202Ehi"\n`)[0]).toMatchObject({
      path: "shells.default.shellHook",
    });
  });
});
