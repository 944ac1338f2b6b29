// paved.yaml drives `paved shell`: sub-project directories pick their shell, nixpkgs.path is the air-gap mirror.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { makeShellRepo, paved, type ShellRepo } from "./_shellrepo.ts";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
});

const config = (nixpkgs: string) => `version: 1
nixpkgs:
  path: ${JSON.stringify(nixpkgs)}
shells:
  default: {}
  api:
    dir: services/api
`;

describe("paved shell with paved.yaml", () => {
  let repo: ShellRepo;
  beforeAll(async () => {
    repo = await makeShellRepo({ pavedYaml: config });
  });

  it("uses nixpkgs.path from paved.yaml without --nixpkgs, and the root shell at the root", async () => {
    const result = await paved(repo, ["--json", "shell", "--", "hello", "--version"]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    // With --json, stdout is paved's JSON alone: the command's own output goes to stderr.
    expect(result.stderr).toContain("hello 2.12.2");
    expect(result.stdout).not.toContain("hello 2.12.2");
    expect(repo.nixCalls().find((line) => line.includes("print-dev-env"))).toContain(
      `--override-input nixpkgs path:${repo.nixpkgs}`,
    );
    const data = JSON.parse(result.stdout);
    expect(data).toMatchObject({ shell: "default", reason: "default", nixpkgs: repo.nixpkgs });
  });

  it("inside a sub-project (and below it) picks that sub-project's shell", async () => {
    const deep = join(repo.root, "services/api/src/handlers");
    mkdirSync(deep, { recursive: true });
    for (const cwd of [join(repo.root, "services/api"), deep]) {
      const result = await paved(
        repo,
        ["--json", "shell", "--", "sh", "-c", 'uv --version; echo "shell=$PAVED_SHELL"'],
        cwd,
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("uv 0.9.9");
      expect(result.stderr).toContain("shell=api");
      const data = JSON.parse(result.stdout);
      expect(data.reason).toBe("shells.api.dir = services/api");
    }
    // A sibling directory is not the sub-project.
    mkdirSync(join(repo.root, "services/apigw"), { recursive: true });
    const sibling = await paved(
      repo,
      ["shell", "--", "sh", "-c", 'echo "shell=$PAVED_SHELL"'],
      join(repo.root, "services/apigw"),
    );
    expect(sibling.stdout).toContain("shell=default");
  });

  it("warm entries read no YAML and run no nix; editing paved.yaml re-evaluates", async () => {
    await paved(repo, ["shell", "--", "true"]);
    const before = repo.nixCalls().length;
    expect((await paved(repo, ["shell", "--", "true"])).code).toBe(0);
    expect(repo.nixCalls().length).toBe(before);
    repo.write("paved.yaml", `${config(repo.nixpkgs)}# edited\n`);
    expect((await paved(repo, ["shell", "--", "true"])).code).toBe(0);
    expect(repo.nixCalls().length).toBeGreaterThan(before);
  });

  it("a bad paved.yaml is a config error naming file:line; --nixpkgs overrides nixpkgs.path", async () => {
    const other = await makeShellRepo({
      pavedYaml: () => "version: 1\nshells:\n  default: {}\n  api: { dir: /abs }\n",
    });
    const bad = await paved(other, ["shell", "--nixpkgs", other.nixpkgs, "--", "true"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/paved\.yaml:4:\d+/);
    expect(other.nixCalls().filter((line) => line.includes("print-dev-env"))).toEqual([]);
    other.write("paved.yaml", "version: 1\nnixpkgs:\n  path: /nonexistent/nixpkgs\nshells:\n  default: {}\n");
    const good = await paved(other, ["shell", "--nixpkgs", other.nixpkgs, "--", "hello", "--version"]);
    expect(good.code).toBe(0);
    expect(other.nixCalls().find((line) => line.includes("print-dev-env"))).toContain(`path:${other.nixpkgs}`);
  });
});
