// The team binary cache in pipelines (paved.yaml cache:, issue 19): jobs substitute from it instead of the
// provider's cache, and the rendered push step — run for real here with bash and Nix — signs the dev shell's
// closure with the key from the CI secret and copies it to the cache, leaving no key file behind.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderCiFiles, type Step1Config } from "@paved/ci-runner";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { CONFIGS } from "./_configs.ts";

const NIX = ["--extra-experimental-features", "nix-command"];
type Step = { run?: string; uses?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> };

describe("rendered pipelines with a team cache", () => {
  const github = () =>
    parse(renderCiFiles("/repo", CONFIGS["github-team-cache"]!)[0]!.content) as {
      jobs: Record<string, { steps: Step[] }>;
    };
  const gitlab = () => renderCiFiles("/repo", CONFIGS["gitlab-team-cache"]!)[0]!.content;

  it("GitHub: no Actions cache for the store; substitutes from the team cache; pushes only on push events, credentials from secrets", () => {
    const { jobs } = github();
    const steps = Object.values(jobs).flatMap((j) => j.steps);
    expect(steps.some((s) => s.uses?.includes("cache-nix-action"))).toBe(false);
    for (const install of steps.filter((s) => s.uses?.startsWith("cachix/install-nix-action"))) {
      expect(install.with!.extra_nix_config).toContain("extra-substituters = s3://acme-nix");
      expect(install.with!.extra_nix_config).toContain("extra-trusted-public-keys = acme-1:");
    }
    const push = jobs["shell-default"]!.steps.find((s) => s.run?.includes("nix copy"))!;
    expect(push.if).toBe("github.event_name == 'push'");
    expect(Object.values(push.env!).every((v) => /^\$\{\{ secrets\.[A-Z_]+ \}\}$/.test(v))).toBe(true);
  });

  it("GitLab: no GitLab cache for the store; pushes only with policy pull-push", () => {
    const text = gitlab();
    const tree = parse(text) as Record<string, Record<string, unknown>>;
    expect(tree[".nix"]!.cache).toBeUndefined();
    expect(text).toContain("extra-trusted-public-keys = acme-1:");
    const script = tree["shell-default"]!.script as string[];
    expect(script.at(-1)).toMatch(
      /^if \[ "\$NIX_CACHE_POLICY" = pull-push \]; then \(.*nix copy --to 's3:\/\/acme-nix/,
    );
  });
});

describe("the GitHub push step, run for real", () => {
  let repo: string;
  let cacheDir: string;
  let secretKey: string;
  let publicKey: string;
  let steps: Step[];
  const env = (): NodeJS.ProcessEnv => nixTestEnv();

  beforeAll(async () => {
    requireTool("nix");
    requireTool("git");
    requireTool("bash");
    secretKey = execFileSync("nix", [...NIX, "key", "generate-secret", "--key-name", "ci-test-1"], {
      encoding: "utf8",
    }).trim();
    publicKey = execFileSync("nix", [...NIX, "key", "convert-secret-to-public"], {
      input: secretKey,
      encoding: "utf8",
    }).trim();
    repo = await mkdtemp(join(tmpdir(), "paved-ci-cache-"));
    cacheDir = await mkdtemp(join(tmpdir(), "paved-ci-cache-store-"));
    await writeFile(
      join(repo, "flake.nix"),
      `{
  inputs.nixpkgs.url = "path:${await fixtureNixpkgs()}";
  outputs = { self, nixpkgs }: let pkgs = nixpkgs.legacyPackages.x86_64-linux; in {
    devShells.x86_64-linux.default = pkgs.mkShell { packages = [ pkgs.hello ]; };
  };
}
`,
    );
    execFileSync("git", ["init", "-q"], { cwd: repo });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    execFileSync("nix", ["flake", "lock"], { cwd: repo, env: env(), stdio: "pipe" });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    const config: Step1Config = {
      shells: { default: {} },
      ci: { provider: "github", steps: { default: ["hello"] } },
      cache: {
        kind: "hosted",
        url: `file://${cacheDir}`,
        publicKey,
        port: 5000,
        push: { signingKeySecret: "NIX_CACHE_SIGNING_KEY", env: {} },
        extraSubstituters: [],
      },
    };
    steps = (parse(renderCiFiles(repo, config)[0]!.content) as { jobs: Record<string, { steps: Step[] }> }).jobs[
      "shell-default"
    ]!.steps;
  });

  it("signs the shell's closure with the secret's key and copies it to the cache", async () => {
    const runnerTemp = await mkdtemp(join(tmpdir(), "paved-runner-temp-"));
    const push = steps.find((s) => s.run?.includes("nix copy"))!;
    // What GitHub does with `env: X: ${{ secrets.NIX_CACHE_SIGNING_KEY }}`: the value arrives in the environment.
    const stepTmp = await mkdtemp(join(tmpdir(), "paved-step-tmp-"));
    const stepEnv = { ...env(), RUNNER_TEMP: runnerTemp, TMPDIR: stepTmp, PAVED_CACHE_SIGNING_KEY: secretKey };
    execFileSync("bash", ["-e", "-c", push.run!], { cwd: repo, env: stepEnv, stdio: "pipe" });
    const narinfos = (await readdir(cacheDir)).filter((f) => f.endsWith(".narinfo"));
    expect(narinfos.length).toBeGreaterThan(0);
    for (const name of narinfos) expect(await readFile(join(cacheDir, name), "utf8")).toMatch(/^Sig: ci-test-1:/m);
    // The profile's closure verifies against the public key, read back from the cache itself.
    const profile = join(runnerTemp, "paved-profile-default");
    execFileSync(
      "nix",
      [
        ...NIX,
        "store",
        "verify",
        "--store",
        `file://${cacheDir}`,
        "--trusted-public-keys",
        publicKey,
        "--recursive",
        "--no-contents",
        execFileSync("readlink", ["-f", profile], { encoding: "utf8" }).trim(),
      ],
      { env: env(), stdio: "pipe" },
    );
    // The key file (mktemp) is gone, and the key is in no file of the runner's temp directory or the repository.
    // (nix develop leaves its own nix-shell.* directory there; mktemp's tmp.* key file must be gone.)
    expect((await readdir(stepTmp)).filter((f) => f.startsWith("tmp."))).toEqual([]);
    const grep = spawnSync(
      "grep",
      ["-rlF", secretKey.split(":")[1]!, stepTmp, runnerTemp, repo, "--exclude-dir=.git"],
      { encoding: "utf8" },
    );
    expect(grep.status).toBe(1);
  });
});

describe("paved status, step 1: the team cache counts only when it answers", () => {
  it("probes nix-cache-info of a real cache served on 127.0.0.1, and says so when nothing answers", async () => {
    const { serveCache } = await import("../../../fixtures/cache.ts");
    const { ciStatus } = await import("@paved/ci-runner");
    const served = await serveCache();
    // What `nix copy --to file://` writes first; the probe reads only this.
    await writeFile(join(served.dir, "nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n");
    const dir = await mkdtemp(join(tmpdir(), "paved-ci-status-cache-"));
    const key = "team-cache-1:GcGe/3oIjlG0+lX1LL9QTFArmwaaBObNPzZ4d8wfZwU=";
    await writeFile(
      join(dir, "paved.yaml"),
      `version: 1\ncache:\n  kind: hosted\n  url: ${served.url}\n  publicKey: "${key}"\n`,
    );
    const up = await ciStatus({ dir });
    expect(up.evidence.find((e) => e.text.startsWith("Team cache:"))).toMatchObject({
      done: 1,
      text: expect.stringContaining("answers nix-cache-info (StoreDir /nix/store)"),
    });
    expect(served.hits).toContain("/nix-cache-info");
    await served.stop();
    const down = await ciStatus({ dir });
    expect(down.evidence.find((e) => e.text.startsWith("Team cache:"))).toMatchObject({
      done: 0,
      text: expect.stringContaining("does not answer"),
    });
  });
});
