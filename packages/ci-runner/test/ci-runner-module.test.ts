import { beforeAll, describe, expect, it } from "vitest";
import { nixTestEnv, requireTool } from "@paved/fixtures";
import { evalError, evalScenario, scenarioFlake } from "./_nixos.ts";

beforeAll(() => {
  requireTool("nix");
  Object.assign(process.env, nixTestEnv());
});

const GH_TOKEN = "ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc";
const PAT = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH";
const GL_TOKEN = "glrt-t3_AbCdEfGhIjKlMnOpQrSt";

const github = (extra = "") => `{ pkgs, lib, ... }: {
  paved.ciRunner = {
    enable = true; provider = "github"; url = "https://github.com/acme"; tokenFile = "/run/secrets/github-runner";
    count = 3; labels = [ "nixos" "big" ]; extraPackages = [ pkgs.go pkgs.nodejs ];
    limits = { cpuQuota = "200%"; memoryMax = "8G"; tasksMax = 2048; };
  };
  ${extra}
}`;

const SCENARIOS: Record<string, string> = {
  github: github(),
  gitlab: `{ pkgs, ... }: { paved.ciRunner = { enable = true; provider = "gitlab"; url = "https://gitlab.example.com"; tokenFile = "/run/secrets/gitlab-runner.env"; count = 4; extraPackages = [ pkgs.go ]; }; }`,
  disabled: `{ ... }: { paved.ciRunner = { enable = false; provider = "github"; url = "https://github.com/acme"; tokenFile = "/run/x"; }; }`,
  literalGhp: github().replace('"/run/secrets/github-runner"', JSON.stringify(GH_TOKEN)),
  literalPat: github().replace('"/run/secrets/github-runner"', JSON.stringify(PAT)),
  literalGlrt: `{ ... }: { paved.ciRunner = { enable = true; provider = "gitlab"; url = "https://gitlab.com"; tokenFile = ${JSON.stringify(GL_TOKEN)}; }; }`,
  pathValue: github().replace('"/run/secrets/github-runner"', "./token"),
  storePath: github().replace('"/run/secrets/github-runner"', '"/nix/store/0000000000000000000000000000000-token"'),
  relative: github().replace('"/run/secrets/github-runner"', '"secrets/token"'),
  urlWithToken: github().replace('"https://github.com/acme"', `"https://x:${GH_TOKEN}@github.com/acme"`),
  withBaseline: github('nix.settings.allowed-users = lib.mkDefault [ "root" "@wheel" ];'),
  trustedRunner: github('nix.settings.trusted-users = [ "root" "github-runner-ci-2" ];'),
  trustedStar: github('nix.settings.trusted-users = [ "*" ];'),
};

let flake: string;
beforeAll(async () => {
  flake = await scenarioFlake(SCENARIOS, { token: "not-a-real-token\n" });
});

type Runner = {
  enable: boolean;
  url: string;
  tokenFile: string;
  ephemeral: boolean;
  replace: boolean;
  extraLabels: string[];
  extraPackages: string[];
  serviceOverrides: Record<string, unknown>;
  name: string;
};

describe("paved.ciRunner on nixos-26.05 (fixture)", () => {
  it("turns a host into N ephemeral GitHub runners with labels, toolchains and systemd limits", async () => {
    const runners = await evalScenario<Record<string, Runner>>(flake, "github.config.services.github-runners");
    expect(Object.keys(runners)).toEqual(["ci-1", "ci-2", "ci-3"]);
    for (const [name, runner] of Object.entries(runners)) {
      expect(runner).toMatchObject({
        enable: true,
        name,
        url: "https://github.com/acme",
        tokenFile: "/run/secrets/github-runner",
        ephemeral: true,
        replace: true,
        extraLabels: ["nixos", "big"],
      });
      expect(runner.serviceOverrides).toEqual({ CPUQuota: "200%", MemoryMax: "8G", TasksMax: 2048 });
      expect(
        runner.extraPackages.map((p) => p.replace(/^\/nix\/store\/[a-z0-9]{32}-/, "").replace(/-[0-9.]+$/, "")),
      ).toEqual(["go", "nodejs"]);
    }
  });

  it("collects garbage on a timer and keeps the runner users untrusted", async () => {
    const nix = await evalScenario<{
      gc: Record<string, unknown>;
      trusted: string[];
      features: string[];
      sandbox: unknown;
      accept: unknown;
    }>(
      flake,
      "github.config.nix",
      "n: { gc = n.gc; trusted = n.settings.trusted-users; features = n.settings.experimental-features; sandbox = n.settings.sandbox; accept = n.settings.accept-flake-config; }",
    );
    expect(nix.gc).toMatchObject({
      automatic: true,
      dates: ["daily"],
      options: "--delete-older-than 7d",
      randomizedDelaySec: "30min",
    });
    expect(nix.trusted).toEqual(["root"]);
    const allowed = await evalScenario<string[]>(flake, "github.config.nix.settings.allowed-users");
    expect(allowed.sort()).toEqual(["@wheel", "github-runner-ci-1", "github-runner-ci-2", "github-runner-ci-3"]);
    // Next to a baseline that narrows allowed-users, the runners are added, not dropped.
    const withBaseline = await evalScenario<string[]>(flake, "withBaseline.config.nix.settings.allowed-users");
    expect(withBaseline).toEqual(
      expect.arrayContaining(["root", "@wheel", "github-runner-ci-1", "github-runner-ci-3"]),
    );
    expect(nix.features).toEqual(["nix-command", "flakes"]);
    expect(nix.sandbox).toBe(true);
    expect(nix.accept).toBe(false);
    // The whole system evaluates: every assertion holds and every option set exists.
    expect(await evalScenario<string>(flake, "github.config.system.build.toplevel.drvPath")).toMatch(
      /^\/nix\/store\/.*\.drv$/,
    );
  });

  it("turns a host into a GitLab shell runner with the token env file, concurrency and limits", async () => {
    const gitlab = await evalScenario<{
      enable: boolean;
      concurrent: number;
      services: Record<string, Record<string, unknown>>;
      limits: Record<string, unknown>;
    }>(
      flake,
      "gitlab.config",
      "c: { enable = c.services.gitlab-runner.enable; concurrent = c.services.gitlab-runner.settings.concurrent; services = c.services.gitlab-runner.services; limits = c.systemd.services.gitlab-runner.serviceConfig; }",
    );
    expect(gitlab.enable).toBe(true);
    expect(gitlab.concurrent).toBe(4);
    expect(Object.keys(gitlab.services)).toEqual(["ci"]);
    expect(gitlab.services.ci).toMatchObject({
      authenticationTokenConfigFile: "/run/secrets/gitlab-runner.env",
      executor: "shell",
      limit: 4,
      registrationFlags: ["--url", "https://gitlab.example.com"],
    });
    expect(gitlab.limits).toMatchObject({ MemoryMax: "75%", TasksMax: 4096 });
    expect(gitlab.limits.CPUQuota).toBeUndefined();
    expect(await evalScenario<string>(flake, "gitlab.config.system.build.toplevel.drvPath")).toMatch(/\.drv$/);
  });

  it("does nothing when disabled", async () => {
    const facts = await evalScenario<{ runners: string[]; gitlab: boolean; gc: boolean }>(
      flake,
      "disabled.config",
      "c: { runners = builtins.attrNames c.services.github-runners; gitlab = c.services.gitlab-runner.enable; gc = c.nix.gc.automatic; }",
    );
    expect(facts).toEqual({ runners: [], gitlab: false, gc: false });
  });

  it("evaluates on nixos-unstable too", async () => {
    const runners = await evalScenario<string[]>(
      flake,
      "github.config.services.github-runners",
      "builtins.attrNames",
      "unstable",
    );
    expect(runners).toEqual(["ci-1", "ci-2", "ci-3"]);
  });
});

describe("paved.ciRunner refuses tokens that would leak", () => {
  for (const [scenario, token, prefix] of [
    ["literalGhp", GH_TOKEN, "ghp_"],
    ["literalPat", PAT, "github_pat_"],
    ["literalGlrt", GL_TOKEN, "glrt-"],
  ] as const) {
    it(`a literal ${prefix}… token fails evaluation without echoing it`, async () => {
      const error = await evalError(flake, `${scenario}.config.system.build.toplevel`);
      expect(error).toContain(`looks like a literal token (${prefix}…)`);
      expect(error).not.toContain(token.slice(prefix.length, prefix.length + 12));
      // Reading the upstream option directly fails the same way: the token never reaches services.*.
      const direct = await evalError(
        flake,
        scenario === "literalGlrt"
          ? `${scenario}.config.services.gitlab-runner.services.ci.authenticationTokenConfigFile`
          : `${scenario}.config.services.github-runners.ci-1.tokenFile`,
      );
      expect(direct).toContain("paved.ciRunner.tokenFile looks like a literal token");
      expect(direct).not.toContain(token.slice(prefix.length, prefix.length + 12));
    });
  }

  it("a Nix path value (which would be copied into the store) fails evaluation", async () => {
    expect(await evalError(flake, "pathValue.config.system.build.toplevel")).toContain("is a Nix path value");
  });

  it("a /nix/store path fails evaluation", async () => {
    expect(await evalError(flake, "storePath.config.system.build.toplevel")).toContain("points into the Nix store");
  });

  it("a relative path fails evaluation", async () => {
    expect(await evalError(flake, "relative.config.system.build.toplevel")).toContain("must be an absolute path");
  });

  it("a URL carrying credentials fails evaluation without echoing them", async () => {
    const error = await evalError(flake, "urlWithToken.config.system.build.toplevel");
    expect(error).toContain("must be a plain https URL without credentials");
    expect(error).not.toContain(GH_TOKEN.slice(4, 14));
  });

  it("making a runner user (or everyone) a trusted Nix user fails evaluation", async () => {
    expect(await evalError(flake, "trustedRunner.config.system.build.toplevel")).toContain("must not contain");
    expect(await evalError(flake, "trustedStar.config.system.build.toplevel")).toContain("must not contain");
  });
});
