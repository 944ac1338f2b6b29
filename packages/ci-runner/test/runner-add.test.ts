import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isPavedError, loadConfig, nixJson } from "@paved/core";
import { renderRunnerHost, runnerAdd, runnerHostFiles, toolchainPackages } from "@paved/ci-runner";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { paved } from "../../../apps/cli/test/_cli.ts";
import { read, tempRepo } from "./_repo.ts";
import { MODULE_DIR } from "./_nixos.ts";

/** A filled-in hardware file: the machine's part, without system.stateVersion (hosts/NAME.nix sets it). */
const HARDWARE =
  '{ fileSystems."/".device = "/dev/disk/by-label/nixos"; boot.loader.grub.device = "/dev/sda"; users.users.root.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx7W1wdmNf8dd1pjV7FEhdQ4yrgN2lHb7gBW3QnT7Ss ops@example" ]; }\n';

/** paved's NixOS modules laid out as the root flake merges them. */
async function pavedModules(dir: string): Promise<void> {
  await cp(MODULE_DIR, join(dir, "ci-runner"), { recursive: true });
  await cp(join(MODULE_DIR, "../../baseline/nix"), join(dir, "baseline"), { recursive: true });
}

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  Object.assign(process.env, nixTestEnv());
});

const PLATFORM = `# acme platform
version: 1
platform:
  name: Acme
shells:
  default:
    toolchains:
      go: { version: "1.24" }
      node: { version: "22", attr: nodejs_22 }
`;

const TOKENS = [
  "ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc",
  "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH",
  "glrt-t3_AbCdEfGhIjKlMnOpQrSt",
];

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

/** Every file under dir, and the text of each, checked for any fragment of the token body. */
async function expectNoToken(dir: string, token: string): Promise<void> {
  const body = token.replace(/^(ghp_|github_pat_|glrt-)/, "");
  for (const file of await allFiles(dir)) {
    const text = await readFile(file, "utf8");
    expect(text.includes(body.slice(0, 10)), `${relative(dir, file)} contains the token`).toBe(false);
  }
}

describe("renderRunnerHost", () => {
  it("sets paved.ciRunner with the token file as a string and the shells' toolchains as packages", async () => {
    const { config } = await loadConfig(await tempRepo({ "paved.yaml": PLATFORM }));
    const text = renderRunnerHost(
      "ci-1",
      {
        role: "ci-runner",
        runner: {
          provider: "github",
          url: "https://github.com/acme",
          tokenFile: "/run/secrets/gh",
          count: 2,
          labels: ["big"],
        },
      },
      config,
    );
    expect(text).toContain('tokenFile = "/run/secrets/gh";');
    expect(text).toMatch(/imports = \[\s*paved\.nixosModules\.ci-runner\s*\.\/ci-1-hardware\.nix\s*\];/);
    expect(text).toContain("extraPackages = [");
    expect(toolchainPackages(config.shells)).toEqual(["go", "nodejs_22"]);
    expect(text).toMatch(/labels = \[\s*"nixos"\s*"big"\s*\];/);
  });

  it("gives paved sync the host file of every ci-runner host, and nothing for other roles", async () => {
    const { config } = await loadConfig(
      await tempRepo({
        "paved.yaml": `${PLATFORM}hosts:\n  ci-1: { role: ci-runner, runner: { provider: github, url: "https://github.com/acme", tokenFile: /run/secrets/gh } }\n  bastion: { role: bastion }\n`,
      }),
    );
    const files = runnerHostFiles(config);
    expect(files.map((f) => f.path)).toEqual(["hosts/ci-1.nix"]);
    expect(files[0]!.content).toBe(renderRunnerHost("ci-1", config.hosts["ci-1"]!, config));
  });

  it("refuses a host whose labels carry a token (paved.yaml edited by hand)", () => {
    expect(() =>
      renderRunnerHost(
        "ci-1",
        {
          role: "ci-runner",
          runner: {
            provider: "github",
            url: "https://github.com/acme",
            tokenFile: "/run/secrets/gh",
            labels: [TOKENS[1]!],
          },
        },
        {},
      ),
    ).toThrow(/labels: got what looks like a literal secret \(github_pat_…\)/);
  });

  it("refuses a host whose tokenFile is a literal token, naming only its prefix", async () => {
    const error = (() => {
      try {
        renderRunnerHost(
          "ci-1",
          { role: "ci-runner", runner: { provider: "github", url: "https://github.com/acme", tokenFile: TOKENS[0]! } },
          {},
        );
      } catch (e) {
        return e;
      }
    })();
    expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
    expect(
      JSON.stringify({ message: (error as Error).message, ...(error as { details: object }).details }),
    ).not.toContain(TOKENS[0]!.slice(4, 14));
  });
});

describe("runnerAdd", () => {
  it("adds the host to paved.yaml, renders hosts/NAME.nix, a hardware starter and the platform flake", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    const result = await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/github-runner",
      count: 3,
      labels: ["big"],
    });
    expect(result.written.sort()).toEqual(["flake.nix", "hosts/ci-1-hardware.nix", "hosts/ci-1.nix", "paved.yaml"]);
    const { config } = await loadConfig(dir);
    expect(config.hosts["ci-1"]).toMatchObject({
      role: "ci-runner",
      runner: { provider: "github", tokenFile: "/run/secrets/github-runner", count: 3, labels: ["big"] },
    });
    expect(await read(dir, "paved.yaml")).toContain("# acme platform");
    expect(await read(dir, "flake.nix")).toMatch(/ci-1 = nixpkgs\.lib\.nixosSystem[\s\S]*\.\/hosts\/ci-1\.nix/);
    // The hardware file belongs to people: a second run leaves it alone.
    await writeFile(join(dir, "hosts/ci-1-hardware.nix"), "{ ... }: { boot.isContainer = true; }\n");
    const again = await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/github-runner",
      count: 3,
      labels: ["big"],
      force: true,
    });
    expect(again.kept).toEqual([]);
    expect(await read(dir, "hosts/ci-1-hardware.nix")).toContain("boot.isContainer");
  });

  it("produces a platform flake whose nixosConfigurations.NAME real Nix evaluates into the runners", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/github-runner",
      count: 2,
    });
    await writeFile(join(dir, "hosts/ci-1-hardware.nix"), HARDWARE);
    // paved's own flake, reduced to the module this step ships (the real root flake merges it into nixosModules).
    const pavedFlake = await mkdtemp(join(tmpdir(), "paved-self-"));
    await pavedModules(pavedFlake);
    // Its `default` also imports the ci-runner module by path: the host importing it again must not clash.
    await writeFile(
      join(pavedFlake, "flake.nix"),
      "{ outputs = { self, ... }: { nixosModules = import ./ci-runner // import ./baseline // { default = { imports = [ (import ./baseline).default ./ci-runner/ci-runner.nix ]; }; }; }; }\n",
    );
    execFileSync("git", ["init", "-q"], { cwd: dir });
    execFileSync("git", ["add", "-A"], { cwd: dir });
    const overrides = [
      "--override-input",
      "nixpkgs",
      `path:${await fixtureNixpkgs()}`,
      "--override-input",
      "paved",
      `path:${pavedFlake}`,
    ];
    const facts = await nixJson<{
      runners: Record<string, { url: string; tokenFile: string; extraLabels: string[]; extraPackages: string[] }>;
      host: string;
      top: string;
    }>(
      [
        "eval",
        ...overrides,
        `${dir}#nixosConfigurations.ci-1.config`,
        "--apply",
        "c: { runners = c.services.github-runners; host = c.networking.hostName; top = c.system.build.toplevel.drvPath; }",
      ],
      { cwd: dir },
    );
    expect(facts.host).toBe("ci-1");
    expect(Object.keys(facts.runners)).toEqual(["ci-1-1", "ci-1-2"]);
    expect(facts.runners["ci-1-1"]).toMatchObject({
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/github-runner",
      extraLabels: ["nixos"],
    });
    expect(facts.runners["ci-1-1"]!.extraPackages.some((p) => p.endsWith("-go-1.25.4") || /-go-[\d.]+$/.test(p))).toBe(
      true,
    );
    expect(facts.top).toMatch(/\.drv$/);
  });

  it("allows an unfree toolchain (terraform) on the runner host by name only, so the host still evaluates", async () => {
    const dir = await tempRepo({
      "paved.yaml": PLATFORM.replace(
        '      go: { version: "1.24" }',
        '      go: { version: "1.24" }\n      terraform: { version: "1.9" }',
      ),
    });
    await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/github-runner",
    });
    const host = await read(dir, "hosts/ci-1.nix");
    expect(host).toContain(
      'nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ "terraform" ];',
    );
    expect(host).not.toContain("allowUnfree =");
    await writeFile(join(dir, "hosts/ci-1-hardware.nix"), HARDWARE);
    const pavedFlake = await mkdtemp(join(tmpdir(), "paved-self-"));
    await pavedModules(pavedFlake);
    await writeFile(
      join(pavedFlake, "flake.nix"),
      "{ outputs = { self, ... }: { nixosModules = import ./ci-runner // import ./baseline; }; }\n",
    );
    execFileSync("git", ["init", "-q"], { cwd: dir });
    execFileSync("git", ["add", "-A"], { cwd: dir });
    const overrides = [
      "--override-input",
      "nixpkgs",
      `path:${await fixtureNixpkgs()}`,
      "--override-input",
      "paved",
      `path:${pavedFlake}`,
    ];
    const packages = await nixJson<string[]>(
      [
        "eval",
        ...overrides,
        `${dir}#nixosConfigurations.ci-1.config.services.github-runners.ci-1-1.extraPackages`,
        "--apply",
        "map (p: p.pname)",
      ],
      { cwd: dir },
    );
    expect(packages).toEqual(expect.arrayContaining(["terraform", "go"]));
  });

  it("evaluates next to paved's real baseline (nixosModules as the root flake merges them), on 26.05 and unstable", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/github-runner",
      count: 2,
    });
    await writeFile(join(dir, "hosts/ci-1-hardware.nix"), HARDWARE);
    const pavedFlake = await mkdtemp(join(tmpdir(), "paved-self-"));
    await cp(MODULE_DIR, join(pavedFlake, "ci-runner"), { recursive: true });
    await cp(join(MODULE_DIR, "../../baseline/nix"), join(pavedFlake, "baseline"), { recursive: true });
    await writeFile(
      join(pavedFlake, "flake.nix"),
      "{ outputs = { self, ... }: { nixosModules = import ./ci-runner // import ./baseline; }; }\n",
    );
    execFileSync("git", ["init", "-q"], { cwd: dir });
    execFileSync("git", ["add", "-A"], { cwd: dir });
    for (const release of ["26.05", "unstable"] as const) {
      const overrides = [
        "--override-input",
        "nixpkgs",
        `path:${await fixtureNixpkgs({ release })}`,
        "--override-input",
        "paved",
        `path:${pavedFlake}`,
      ];
      const facts = await nixJson<{
        runners: string[];
        allowed: string[];
        trusted: string[];
        baseline: boolean;
        gc: string[];
        top: string;
        stateVersion: string;
      }>(
        [
          "eval",
          ...overrides,
          `${dir}#nixosConfigurations.ci-1.config`,
          "--apply",
          "c: { runners = builtins.attrNames c.services.github-runners; allowed = c.nix.settings.allowed-users; trusted = c.nix.settings.trusted-users; baseline = c.paved.baseline.enable; gc = c.nix.gc.dates; top = c.system.build.toplevel.drvPath; stateVersion = c.system.stateVersion; }",
        ],
        { cwd: dir },
      ).catch((e: { details?: unknown }) => {
        throw new Error(JSON.stringify(e.details));
      });
      expect(facts.baseline).toBe(true);
      // Set by hosts/ci-1.nix itself (the hardware file does not), from the release paved.yaml pins.
      expect(facts.stateVersion).toBe("26.05");
      expect(facts.runners).toEqual(["ci-1-1", "ci-1-2"]);
      expect(facts.allowed).toEqual(
        expect.arrayContaining(["root", "@wheel", "github-runner-ci-1-1", "github-runner-ci-1-2"]),
      );
      expect(facts.trusted).toEqual(["root"]);
      // The runner module's daily GC wins over the baseline's weekly default.
      expect(facts.gc).toEqual(["daily"]);
      expect(facts.top).toMatch(/\.drv$/);
    }
  });

  it("takes its role's modules like every other role: logging (Vector) and monitoring (node exporter) evaluate on", async () => {
    const roles =
      "roles:\n  ci-runner:\n    modules: { logging: true, monitoring: true }\n    logging:\n      agent: vector\n      sink: { type: loki, url: https://loki.internal:3100 }\n    monitoring:\n      allowFrom: [10.9.0.0/24]\n";
    const dir = await tempRepo({ "paved.yaml": PLATFORM + roles });
    await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/github-runner",
    });
    const host = await read(dir, "hosts/ci-1.nix");
    expect(host).toContain("paved.logging");
    expect(host).toContain("paved.monitoring");
    await writeFile(join(dir, "hosts/ci-1-hardware.nix"), HARDWARE);
    const pavedFlake = await mkdtemp(join(tmpdir(), "paved-self-"));
    await pavedModules(pavedFlake);
    await writeFile(
      join(pavedFlake, "flake.nix"),
      "{ outputs = { self, ... }: { nixosModules = import ./ci-runner // import ./baseline; }; }\n",
    );
    execFileSync("git", ["init", "-q"], { cwd: dir });
    execFileSync("git", ["add", "-A"], { cwd: dir });
    const overrides = [
      "--override-input",
      "nixpkgs",
      `path:${await fixtureNixpkgs()}`,
      "--override-input",
      "paved",
      `path:${pavedFlake}`,
    ];
    const facts = await nixJson<{ vector: boolean; alloy: boolean; node: boolean; stateVersion: string }>(
      [
        "eval",
        ...overrides,
        `${dir}#nixosConfigurations.ci-1.config`,
        "--apply",
        "c: { vector = c.services.vector.enable; alloy = c.services.alloy.enable; node = c.services.prometheus.exporters.node.enable; stateVersion = c.system.stateVersion; }",
      ],
      { cwd: dir },
    );
    expect(facts).toEqual({ vector: true, alloy: false, node: true, stateVersion: "26.05" });
  });

  for (const token of TOKENS) {
    it(`refuses ${token.slice(0, token.indexOf("_") + 1 || 5)}… passed where a path belongs and writes nothing anywhere`, async () => {
      const dir = await tempRepo({ "paved.yaml": PLATFORM });
      for (const bad of [
        { tokenFile: token },
        { tokenFile: "/run/secrets/x", url: token },
        { tokenFile: "/run/secrets/x", labels: ["nixos", token] },
      ]) {
        const error = await runnerAdd({
          dir,
          name: "ci-1",
          provider: "github",
          url: "https://github.com/acme",
          ...bad,
        }).catch((e: unknown) => e);
        expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
        expect(
          JSON.stringify({
            message: (error as Error).message,
            hint: (error as { hint: string }).hint,
            details: (error as { details: object }).details,
          }),
        ).not.toContain(token.slice(5, 15));
      }
      expect(await read(dir, "paved.yaml")).toBe(PLATFORM);
      expect(existsSync(join(dir, "hosts"))).toBe(false);
      await expectNoToken(dir, token);
    });
  }

  it("refuses an unprefixed registration token or a URL with credentials without repeating them", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    const registration = "AAQX7KZPLM3N4B5V6C7X8Z9QWERTY";
    const a = await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: registration,
    }).catch((e: unknown) => e);
    expect(isPavedError(a, "E_INPUT")).toBe(true);
    expect(JSON.stringify({ m: (a as Error).message, d: (a as { details: object }).details })).not.toContain(
      registration,
    );
    const b = await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: `https://x:${TOKENS[0]}@github.com/acme`,
      tokenFile: "/run/secrets/x",
    }).catch((e: unknown) => e);
    expect(isPavedError(b, "E_SECRET_LITERAL")).toBe(true);
    expect(JSON.stringify({ m: (b as Error).message, d: (b as { details: object }).details })).not.toContain(
      TOKENS[0]!.slice(5, 15),
    );
    expect(await read(dir, "paved.yaml")).toBe(PLATFORM);
  });

  it("refuses a token-file in the Nix store or a relative path", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    for (const tokenFile of ["/nix/store/abc-token", "secrets/token"]) {
      const error = await runnerAdd({
        dir,
        name: "ci-1",
        provider: "github",
        url: "https://github.com/acme",
        tokenFile,
      }).catch((e: unknown) => e);
      expect(isPavedError(error, "E_INPUT")).toBe(true);
    }
    expect(await read(dir, "paved.yaml")).toBe(PLATFORM);
  });

  it("refuses to replace an existing host without --force", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    await runnerAdd({
      dir,
      name: "ci-1",
      provider: "github",
      url: "https://github.com/acme",
      tokenFile: "/run/secrets/a",
    });
    const error = await runnerAdd({
      dir,
      name: "ci-1",
      provider: "gitlab",
      url: "https://gitlab.com",
      tokenFile: "/run/secrets/b",
    }).catch((e: unknown) => e);
    expect(isPavedError(error, "E_INPUT")).toBe(true);
    expect((await loadConfig(dir)).config.hosts["ci-1"]!.runner!.provider).toBe("github");
  });
});

describe("paved runner add (CLI)", () => {
  it("writes the host; with a literal token it exits 3 with E_SECRET_LITERAL, a masked prefix only, and no file holds the token", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    const ok = await paved([
      "runner",
      "add",
      "ci-1",
      "--provider",
      "gitlab",
      "--url",
      "https://gitlab.example.com",
      "--token-file",
      "/run/secrets/gl.env",
      "--count",
      "2",
      "--labels",
      "nixos,big",
      "--dir",
      dir,
    ]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("wrote hosts/ci-1.nix");
    for (const token of TOKENS) {
      const run = await paved([
        "--json",
        "runner",
        "add",
        "ci-2",
        "--provider",
        "github",
        "--url",
        "https://github.com/acme",
        "--token-file",
        token,
        "--dir",
        dir,
      ]);
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout).error.code).toBe("E_SECRET_LITERAL");
      expect(run.stdout + run.stderr).not.toContain(token.slice(5, 15));
      expect(run.stderr).toMatch(/(ghp_|github_pat_|glrt-)…/);
      await expectNoToken(dir, token);
    }
    expect(existsSync(join(dir, "hosts/ci-2.nix"))).toBe(false);
  });
  it("issue 15's measured leak: a token in the --url query is refused by flag before anything is written or evaluated", async () => {
    const dir = await tempRepo({ "paved.yaml": PLATFORM });
    const before = (await allFiles(dir)).sort();
    const urls = [
      `https://github.com/acme?token=${TOKENS[0]}`,
      `https://github.com/acme?access_token=${TOKENS[1]}`,
      "https://github.com/acme?password=hunter2",
      "https://x-access-token:hunter2@github.com/acme",
      "https://github.com/acme?token=AKIAIOSFODNN7EXAMPLE",
    ];
    for (const url of urls) {
      const run = await paved([
        "--json",
        "runner",
        "add",
        "ci-7",
        "--provider",
        "github",
        "--url",
        url,
        "--token-file",
        "/run/secrets/gh",
        "--dir",
        dir,
      ]);
      expect(run.code, url).toBe(3);
      const error = JSON.parse(run.stdout).error;
      expect(error.code).toBe("E_SECRET_LITERAL");
      expect(error.message).toMatch(/^--url: refused /);
      expect(run.stdout + run.stderr).not.toContain("hunter2");
      expect(run.stdout + run.stderr).not.toContain("Zx8vQ2mN");
      // The library refuses it too, for callers that are not the CLI.
      const direct = await runnerAdd({
        dir,
        name: "ci-7",
        provider: "github",
        url,
        tokenFile: "/run/secrets/gh",
      }).catch((e: unknown) => e);
      expect(isPavedError(direct, "E_SECRET_LITERAL")).toBe(true);
    }
    expect((await allFiles(dir)).sort()).toEqual(before);
    expect(await read(dir, "paved.yaml")).toBe(PLATFORM);
    for (const token of TOKENS) await expectNoToken(dir, token);
  });
});
