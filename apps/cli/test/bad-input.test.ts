// Bad input through the real bundled CLI: one clear error with a code and hint, the documented exit code,
// valid JSON with --json, and no file written or created.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";

let repo: string;
const yaml = "version: 1\nteam:\n  groups: [ops]\n";

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), "paved-cli-bad-"));
  await writeFile(join(repo, "paved.yaml"), yaml);
});

describe("bad input", () => {
  it("--dir to a missing directory is bad input and creates nothing", async () => {
    const missing = join(repo, "no-such-dir");
    for (const args of [["status"], ["init", "--platform", "--yes"], ["init", "--yes"]]) {
      const run = await paved(["--dir", missing, "--json", ...args], { cwd: repo });
      expect(run.code, args.join(" ")).toBe(3);
      const error = (JSON.parse(run.stdout) as { error: { code: string; message: string; hint: string } }).error;
      expect(error.code).toBe("E_INPUT");
      expect(error.message).toContain("no-such-dir");
      expect(error.hint).not.toBe("");
      expect(existsSync(missing)).toBe(false);
    }
    const file = await paved(["--dir", join(repo, "paved.yaml"), "status"], { cwd: repo });
    expect(file.code).toBe(3);
    expect(file.stderr).toContain("E_INPUT");
  });

  it("report --html to a directory is bad input, not a bug", async () => {
    const run = await paved(["report", "--html", repo, "--json"], { cwd: repo });
    expect(run.code).toBe(3);
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe("E_INPUT");
    expect(run.stderr).not.toContain("E_INTERNAL");
    expect((await readdir(repo)).sort()).toEqual(["paved.yaml"]);
  });

  it("team add --key with a pasted token refuses it without echoing it", async () => {
    for (const token of ["ghp_abcdefghijklmnopqrstuvwxyz0123456789", "glrt-abcdefghijklmnopqrst"]) {
      const run = await paved(["team", "add", "alice", "--key", token, "--json"], { cwd: repo });
      expect(run.code).toBe(3);
      expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe("E_SECRET_LITERAL");
      expect(run.stdout + run.stderr).not.toContain(token);
      expect(await readFile(join(repo, "paved.yaml"), "utf8")).toBe(yaml);
      expect((await readdir(repo)).sort()).toEqual(["paved.yaml"]);
    }
  });

  it("a bidi override, a control character or a secret in any flag or argument is refused by name before anything runs", async () => {
    const cases: [string[], string, string][] = [
      [["init", "--platform", "--yes", "--name", "Acme\u202Eevil"], "--name", "E_INPUT"],
      [["team", "add", "ali\u202Ece", "--key", "./alice.pub"], "USER", "E_INPUT"],
      [
        [
          "runner",
          "add",
          "ci-1",
          "--provider",
          "github",
          "--url",
          "https://github.com/acme",
          "--token-file",
          "/run/secrets/gh",
          "--labels",
          "nixos\u2066",
        ],
        "--labels",
        "E_INPUT",
      ],
      [
        ["host", "add", "web-1", "--role", "staging", "--address", "AKIAIOSFODNN7EXAMPLE"],
        "--address",
        "E_SECRET_LITERAL",
      ],
      [
        ["init", "--platform", "--yes", "--name", "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"],
        "--name",
        "E_SECRET_LITERAL",
      ],
    ];
    for (const [args, label, code] of cases) {
      const run = await paved([...args, "--json"], { cwd: repo });
      expect(run.code, args.join(" ")).toBe(3);
      const error = (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
      expect(error.code, args.join(" ")).toBe(code);
      expect(error.message.startsWith(`${label}: refused `), error.message).toBe(true);
      expect(run.stdout + run.stderr).not.toMatch(/[\u202E\u2066]|IOSFODNN7|AbCdEfGhIj/);
      expect(await readFile(join(repo, "paved.yaml"), "utf8")).toBe(yaml);
      expect((await readdir(repo)).sort()).toEqual(["paved.yaml"]);
    }
  });

  it("--nixpkgs to a missing path is bad input (exit 3), not a Nix failure, and writes nothing", async () => {
    const app = await mkdtemp(join(tmpdir(), "paved-cli-bad-app-"));
    await writeFile(join(app, "package.json"), '{"name":"x","engines":{"node":">=20"}}\n');
    execFileSync("git", ["init", "-q"], { cwd: app });
    const run = await paved(["init", "--yes", "--nixpkgs", join(app, "no-such-nixpkgs"), "--json"], { cwd: app });
    expect(run.code).toBe(3);
    const error = (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("E_INPUT");
    expect(error.message).toContain("no-such-nixpkgs");
    expect((await readdir(app)).sort()).toEqual([".git", "package.json"]);
  });

  it("paved shell with a shell name the flake lacks is E_SHELL_UNKNOWN (exit 3), not a Nix error", async () => {
    requireTool("nix");
    requireTool("git");
    const env = nixTestEnv();
    const nixpkgs = await fixtureNixpkgs();
    const app = await mkdtemp(join(tmpdir(), "paved-cli-bad-shell-"));
    await writeFile(join(app, "package.json"), '{"name":"x","engines":{"node":">=20"}}\n');
    execFileSync("git", ["init", "-q"], { cwd: app });
    expect((await paved(["init", "--yes", "--nixpkgs", nixpkgs], { cwd: app, env })).code).toBe(0);
    const run = await paved(["shell", "--nixpkgs", nixpkgs, "--json", "no-such-shell", "--", "true"], {
      cwd: app,
      env,
    });
    expect(run.code).toBe(3);
    const error = (JSON.parse(run.stdout) as { error: { code: string; message: string; hint: string } }).error;
    expect(error.code).toBe("E_SHELL_UNKNOWN");
    expect(error.message).toContain('"no-such-shell"');
    expect(error.hint).toContain("shells");
  });

  it("init refuses --platform-only flags without --platform instead of ignoring them", async () => {
    const app = await mkdtemp(join(tmpdir(), "paved-cli-bad-init-"));
    await writeFile(join(app, "package.json"), "{}\n");
    execFileSync("git", ["init", "-q"], { cwd: app });
    const run = await paved(["init", "--yes", "--name", "acme", "--ci", "gitlab", "--json"], { cwd: app });
    expect(run.code).toBe(2);
    const error = (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("E_USAGE");
    expect(error.message).toContain("--name, --ci");
    expect((await readdir(app)).sort()).toEqual([".git", "package.json"]);
  });

  it("host, runner and team add refuse an application repository instead of replacing its dev-shell flake.nix", async () => {
    const app = await mkdtemp(join(tmpdir(), "paved-cli-bad-app-platform-"));
    const config = "version: 1\nshells:\n  default:\n    packages: [jq]\n";
    const flake = "{ outputs = _: { }; }\n";
    await writeFile(join(app, "paved.yaml"), config);
    await writeFile(join(app, "flake.nix"), flake);
    const attempts = [
      ["host", "add", "h1", "--role", "bastion"],
      [
        "runner",
        "add",
        "r1",
        "--provider",
        "github",
        "--url",
        "https://github.com/acme",
        "--token-file",
        "/run/secrets/t",
      ],
      ["team", "add", "alice", "--key", join(app, "alice.pub")],
    ];
    for (const args of attempts) {
      const run = await paved([...args, "--json"], { cwd: app });
      expect(run.code, args.join(" ")).toBe(3);
      const error = (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("E_INPUT");
      expect(error.message).toContain("application repository");
      expect(await readFile(join(app, "paved.yaml"), "utf8")).toBe(config);
      expect(await readFile(join(app, "flake.nix"), "utf8")).toBe(flake);
      expect((await readdir(app)).sort()).toEqual(["flake.nix", "paved.yaml"]);
    }
  });
});
