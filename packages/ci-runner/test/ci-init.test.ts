import { existsSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPavedError, loadConfig, parseHeader } from "@paved/core";
import { ciInit, DEFAULT_NIX_VERSION, renderCiFiles } from "@paved/ci-runner";
import { paved } from "../../../apps/cli/test/_cli.ts";
import { APP_CONFIG, read, tempRepo } from "./_repo.ts";
import { actionlintErrors, githubParserErrors, gitlabSchemaErrors } from "./_validators.ts";

describe("ciInit", () => {
  it("records the provider and Nix pin in paved.yaml and writes the workflow, keeping paved.yaml's comments", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    const result = await ciInit({ dir, provider: "github" });
    expect(result.written).toEqual(["paved.yaml", ".github/workflows/nix.yml"]);
    const yaml = await read(dir, "paved.yaml");
    expect(yaml).toContain("# the web app");
    const { config } = await loadConfig(dir);
    expect(config.ci).toMatchObject({ provider: "github", nixVersion: DEFAULT_NIX_VERSION });
    const workflow = await read(dir, ".github/workflows/nix.yml");
    expect(parseHeader(workflow)?.intact).toBe(true);
    // What `paved sync` renders from the same paved.yaml is exactly what was written.
    expect(parseHeader(workflow)?.body).toBe(renderCiFiles(dir, config)[0]!.content);
    expect(await githubParserErrors(workflow)).toEqual([]);
    expect(await actionlintErrors(workflow)).toEqual([]);
  });

  it("is idempotent", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    await ciInit({ dir, provider: "gitlab" });
    const again = await ciInit({ dir, provider: "gitlab" });
    expect(again.written).toEqual([]);
    expect(again.configChanged).toBe(false);
    expect(gitlabSchemaErrors(await read(dir, ".gitlab-ci.yml"))).toEqual([]);
  });

  it("--dry-run returns the diff and writes nothing", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    const result = await ciInit({ dir, provider: "github", dryRun: true });
    expect(result.diff).toContain("+  provider: github");
    expect(result.diff).toContain("+++ b/.github/workflows/nix.yml");
    expect(await read(dir, "paved.yaml")).toBe(APP_CONFIG);
    expect(existsSync(join(dir, ".github"))).toBe(false);
  });

  it("keeps a hand-edited workflow unless --force", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    await ciInit({ dir, provider: "github" });
    const path = join(dir, ".github/workflows/nix.yml");
    await writeFile(path, `${await read(dir, ".github/workflows/nix.yml")}# my own tweak\n`);
    await writeFile(
      join(dir, "paved.yaml"),
      `${await read(dir, "paved.yaml")}`.replace(`nixVersion: ${DEFAULT_NIX_VERSION}`, "nixVersion: 2.31.2"),
    );
    const kept = await ciInit({ dir, provider: "github" });
    expect(kept.kept).toEqual([".github/workflows/nix.yml"]);
    expect(await read(dir, ".github/workflows/nix.yml")).toContain("# my own tweak");
    const forced = await ciInit({ dir, provider: "github", force: true });
    expect(forced.written).toContain(".github/workflows/nix.yml");
    expect(await read(dir, ".github/workflows/nix.yml")).toContain("nix-2.31.2/install");
  });

  it("refuses to switch provider without --force, changing nothing", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    await ciInit({ dir, provider: "github" });
    const before = await read(dir, "paved.yaml");
    const error = await ciInit({ dir, provider: "gitlab" }).catch((e: unknown) => e);
    expect(isPavedError(error, "E_INPUT")).toBe(true);
    expect(await read(dir, "paved.yaml")).toBe(before);
    expect(existsSync(join(dir, ".gitlab-ci.yml"))).toBe(false);
  });

  it("refuses a step that contains a literal token, without repeating it, and writes nothing", async () => {
    const token = "ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc";
    const config = `${APP_CONFIG}ci:\n  provider: github\n  steps:\n    api: ["curl -H 'Authorization: token ${token}' https://api.github.com"]\n`;
    const dir = await tempRepo({ "paved.yaml": config });
    const error = await ciInit({ dir, provider: "github" }).catch((e: unknown) => e);
    expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
    expect((error as Error).message).toMatch(/paved\.yaml:\d+:\d+: ci\.steps\.api\[0\]/);
    expect(JSON.stringify({ m: (error as Error).message, d: (error as { details: object }).details })).not.toContain(
      token.slice(4, 14),
    );
    expect(existsSync(join(dir, ".github"))).toBe(false);
    expect(await read(dir, "paved.yaml")).toBe(config);
  });

  it("refuses a malformed --nix-version (and never echoes a pasted token)", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    const usage = await ciInit({ dir, provider: "github", nixVersion: "latest" }).catch((e: unknown) => e);
    expect(isPavedError(usage, "E_USAGE")).toBe(true);
    const token = "glpat-AbCdEfGhIjKlMnOpQrSt1234";
    const secret = await ciInit({ dir, provider: "github", nixVersion: token }).catch((e: unknown) => e);
    expect(isPavedError(secret, "E_SECRET_LITERAL")).toBe(true);
    expect((secret as Error).message).not.toContain(token.slice(6));
    expect(await read(dir, "paved.yaml")).toBe(APP_CONFIG);
  });

  it("says when there are no dev shells yet (only nix flake check runs)", async () => {
    const dir = await tempRepo({ "paved.yaml": "version: 1\n" });
    const result = await ciInit({ dir, provider: "github" });
    expect(result.notes.join("\n")).toContain("no dev shells");
    expect(Object.keys((await import("yaml")).parse(await read(dir, ".github/workflows/nix.yml")).jobs)).toEqual([
      "flake-check",
    ]);
  });

  it("fails with E_CONFIG_MISSING outside a paved repository and writes nothing", async () => {
    const dir = await tempRepo({});
    const error = await ciInit({ dir, provider: "github" }).catch((e: unknown) => e);
    expect(isPavedError(error, "E_CONFIG_MISSING")).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects ci.steps for a shell that does not exist, with file:line:col, and writes nothing", async () => {
    const dir = await tempRepo({
      "paved.yaml": `${APP_CONFIG}ci:\n  provider: github\n  steps:\n    apii: [go test ./...]\n`,
    });
    const error = await ciInit({ dir, provider: "github" }).catch((e: unknown) => e);
    expect(isPavedError(error, "E_CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(/paved\.yaml:\d+:\d+: ci\.steps\.apii/);
    expect((error as Error).message).toContain('did you mean "api"');
    expect(existsSync(join(dir, ".github"))).toBe(false);
  });
});

describe("paved ci init (CLI)", () => {
  it("writes a workflow GitHub's parser accepts and prints what it wrote", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    const run = await paved(["ci", "init", "--provider", "github", "--dir", dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("wrote .github/workflows/nix.yml");
    expect(await githubParserErrors(await read(dir, ".github/workflows/nix.yml"))).toEqual([]);
  });

  it("--json returns the written files", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    const run = await paved(["--json", "ci", "init", "--provider", "gitlab", "--dir", dir]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).written).toEqual(["paved.yaml", ".gitlab-ci.yml"]);
  });

  it("an unknown provider is a usage error (exit 2) and writes nothing", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    const run = await paved(["ci", "init", "--provider", "bitbucket", "--dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("bitbucket");
    expect(await read(dir, "paved.yaml")).toBe(APP_CONFIG);
  });
});
