// Every command works from any subdirectory of a managed repository (paved.yaml found upwards, as git does), and
// `paved init` there never writes a second root.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { paved, pavedBin } from "./_cli.ts";

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-subdir-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  execFileSync("git", ["init", "-q", dir]);
  execFileSync("git", ["add", "-A"], { cwd: dir });
  return dir;
}

const APP = {
  "package.json": `${JSON.stringify({ name: "app", private: true, workspaces: ["web"] })}\n`,
  ".nvmrc": "24\n",
  "web/package.json": `${JSON.stringify({ name: "web", private: true })}\n`,
  "web/src/index.ts": "export {};\n",
  "api/go.mod": "module example.com/api\n\ngo 1.25\n",
};

beforeAll(() => {
  requireTool("git");
  requireTool("nix");
});

describe("commands from a subdirectory of an application repository", () => {
  let repo: string;
  beforeAll(async () => {
    repo = repoWith(APP);
    const init = await paved(["init", "--yes"], { cwd: repo });
    expect(init.code).toBe(0);
  });

  it("status, sync, plan --dry-run and shell add find paved.yaml upwards", async () => {
    const deep = join(repo, "web/src");
    const status = await paved(["status", "--json"], { cwd: deep });
    expect(status.stderr).not.toContain("E_CONFIG_MISSING");
    expect((JSON.parse(status.stdout) as { platform: { dir: string } }).platform.dir).toBe(repo);
    const sync = await paved(["sync"], { cwd: deep });
    expect(sync.code).toBe(0);
    expect(existsSync(join(deep, "flake.nix"))).toBe(false);
    const plan = await paved(["plan", "--dry-run"], { cwd: deep });
    expect(plan.stderr).not.toContain("E_CONFIG_MISSING");
    expect(existsSync(join(deep, "MIGRATION.md"))).toBe(false);
    const add = await paved(["shell", "add", "jq", "--nixpkgs", await fixtureNixpkgs()], {
      cwd: deep,
      env: nixTestEnv(),
    });
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(readFileSync(join(repo, "paved.yaml"), "utf8")).toContain("jq");
    expect(existsSync(join(deep, "paved.yaml"))).toBe(false);
  });

  it("init in web/src works on the repository: no second paved.yaml, flake.nix or .envrc, and says which shell serves it", async () => {
    const deep = join(repo, "web/src");
    const init = await paved(["init", "--yes"], { cwd: deep });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      `paved.yaml is at ${repo}: init works on the whole repository from there (no second paved.yaml in web/src).`,
    );
    expect(init.stdout).toContain("web/src needs nothing the default shell lacks, so it uses the default shell");
    for (const f of ["paved.yaml", "flake.nix", ".envrc"]) expect(existsSync(join(deep, f))).toBe(false);
    const api = await paved(["init", "--dry-run"], { cwd: join(repo, "api") });
    expect(api.stdout).toContain("api is served by shell api (api)");
  });

  it("a sub-project that starts needing its own toolchain gets its shell when init runs there", async () => {
    writeFileSync(join(repo, "web/.nvmrc"), "22\n");
    const init = await paved(["init", "--yes"], { cwd: join(repo, "web") });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("web is served by shell web (web)");
    expect(readFileSync(join(repo, "paved.yaml"), "utf8")).toMatch(/\n {2}web:\n {4}dir: web\n/);
    expect(existsSync(join(repo, "web/.envrc"))).toBe(true);
    expect(existsSync(join(repo, "web/paved.yaml"))).toBe(false);
  });

  it("an example directory is named as not a project, with the way to include it", async () => {
    mkdirSync(join(repo, "examples/demo"), { recursive: true });
    writeFileSync(join(repo, "examples/demo/package.json"), "{}\n");
    const init = await paved(["init", "--dry-run"], { cwd: join(repo, "examples/demo") });
    expect(init.stdout).toContain(
      "examples/demo is not a project (examples, under examples/); add it to detect.include in paved.yaml",
    );
  });

  it("a paved symlinked onto PATH runs in the user's directory, not in paved's checkout", async () => {
    const bin = mkdtempSync(join(tmpdir(), "paved-bin-"));
    symlinkSync(pavedBin, join(bin, "paved"));
    const out = execFileSync("paved", ["status", "--json"], {
      cwd: join(repo, "web"),
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" },
      encoding: "utf8",
    });
    expect((JSON.parse(out) as { platform: { dir: string } }).platform.dir).toBe(repo);
  });
});

describe("commands from a subdirectory of a platform repository", () => {
  it("host add writes hosts/ at the root, not in the subdirectory", async () => {
    const repo = repoWith({
      "paved.yaml": "version: 1\nteam:\n  groups: [ops]\nroles:\n  bastion:\n    sshAllowFrom: [10.20.0.0/16]\n",
      "docs/notes.md": "x\n",
    });
    const host = await paved(["host", "add", "bastion-1", "--role", "bastion", "--address", "203.0.113.7"], {
      cwd: join(repo, "docs"),
    });
    expect(host.stderr).toBe("");
    expect(host.code).toBe(0);
    expect(existsSync(join(repo, "hosts/bastion-1.nix"))).toBe(true);
    expect(existsSync(join(repo, "docs/hosts"))).toBe(false);
  });

  it("a first init below the top of an unmanaged repository says it makes that directory the root", async () => {
    const repo = repoWith(APP);
    const init = await paved(["init", "--dry-run"], { cwd: join(repo, "web") });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`warning: ${join(repo, "web")} is not the top of its git repository (${repo})`);
    expect(init.stdout).toContain(`run \`paved init\` in ${repo} instead`);
    const top = await paved(["init", "--dry-run"], { cwd: repo });
    expect(top.stdout).not.toContain("is not the top of its git repository");
  });

  it("outside any managed repository the error still names the directory", async () => {
    const repo = repoWith({ "src/x.txt": "x\n" });
    const status = await paved(["sync"], { cwd: join(repo, "src") });
    expect(status.code).toBe(3);
    expect(status.stderr).toContain(`no paved.yaml in ${join(repo, "src")}`);
  });
});

describe("README", () => {
  it("puts paved on PATH for your own repositories instead of `pnpm --dir … exec paved`", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const ownRepos = readme.slice(readme.indexOf("own repositories"), readme.indexOf("## The five steps"));
    expect(ownRepos).not.toMatch(/pnpm --dir \S+ exec paved (doctor|init)/);
    expect(ownRepos).toContain('ln -sf "$PWD/apps/cli/bin/paved" ~/.local/bin/paved');
    expect(ownRepos).toMatch(/cd your-repo\npaved doctor/);
  });
});
