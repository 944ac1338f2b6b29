import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTIONS, defaultSteps, inDevShell, renderCiFiles } from "@paved/ci-runner";
import { CONFIGS } from "./_configs.ts";
import { actionlintErrors, githubParserErrors, gitlabSchemaErrors } from "./_validators.ts";

const golden = (name: string) => new URL(`./golden/${name}.yml`, import.meta.url);

function render(name: string): string {
  const files = renderCiFiles("/repo", CONFIGS[name]!);
  expect(files).toHaveLength(1);
  return files[0]!.content;
}

describe("golden pipelines", () => {
  for (const name of Object.keys(CONFIGS)) {
    it(`${name} matches test/golden/${name}.yml`, () => {
      const content = render(name);
      // UPDATE_GOLDEN=1 rewrites the files; review the diff before committing. A missing golden file fails.
      if (process.env.UPDATE_GOLDEN === "1") {
        mkdirSync(new URL("./golden/", import.meta.url), { recursive: true });
        writeFileSync(golden(name), content);
      }
      expect(
        existsSync(golden(name)),
        `test/golden/${name}.yml is missing: run with UPDATE_GOLDEN=1 and review it`,
      ).toBe(true);
      expect(content).toBe(readFileSync(golden(name), "utf8"));
    });
  }
});

describe("GitHub workflows pass GitHub's parser and actionlint", () => {
  for (const name of Object.keys(CONFIGS).filter((n) => n.startsWith("github"))) {
    it(name, async () => {
      const content = render(name);
      expect(await githubParserErrors(content)).toEqual([]);
      expect(await actionlintErrors(content, CONFIGS[name]!.ci!.selfHosted?.labels)).toEqual([]);
    });
  }

  it("both validators reject a broken workflow (so a pass means something)", async () => {
    const content = render("github-monorepo");
    expect(await githubParserErrors(content.replace("runs-on:", "run-on:"))).not.toEqual([]);
    expect(await actionlintErrors(content.replace("timeout-minutes: 30", "timeout-minutes: soon"))).not.toEqual([]);
    expect(await actionlintErrors(content.replace("${{ github.token }}", "${{ github.tokn }}"))).not.toEqual([]);
  });
});

describe("GitLab pipelines pass GitLab's CI schema", () => {
  for (const name of Object.keys(CONFIGS).filter((n) => n.startsWith("gitlab"))) {
    it(name, () => expect(gitlabSchemaErrors(render(name))).toEqual([]));
  }

  it("the schema rejects a broken pipeline", () => {
    const content = render("gitlab-monorepo");
    expect(gitlabSchemaErrors(content.replace("stage: test", "stag: test"))).not.toEqual([]);
    expect(gitlabSchemaErrors(content.replace("when: never", "when: sometimes"))).not.toEqual([]);
  });
});

type Workflow = {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": string };
  jobs: Record<
    string,
    {
      "runs-on": unknown;
      "timeout-minutes": number;
      steps: { uses?: string; run?: string; with?: Record<string, string>; "working-directory"?: string }[];
    }
  >;
};

describe("GitHub workflow policy", () => {
  const wf = parse(render("github-monorepo")) as Workflow;
  const text = render("github-monorepo");

  it("grants only contents: read and never uses pull_request_target", () => {
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(Object.keys(wf.on)).not.toContain("pull_request_target");
    expect(Object.keys(wf.on)).toContain("pull_request");
  });

  it("cancels superseded pull request runs and times every job out", () => {
    expect(wf.concurrency["cancel-in-progress"]).toBe("${{ github.event_name == 'pull_request' }}");
    expect(wf.concurrency.group).toContain("github.event.pull_request.number");
    for (const job of Object.values(wf.jobs)) expect(job["timeout-minutes"]).toBe(30);
  });

  it("pins every action by full commit SHA with the release in a comment", () => {
    const usesLines = text.split("\n").filter((line) => line.includes("uses:"));
    expect(usesLines.length).toBeGreaterThan(0);
    for (const line of usesLines) expect(line).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it("pins the Nix version and saves the store cache only from pushes", () => {
    for (const job of Object.values(wf.jobs)) {
      const install = job.steps.find((s) => s.uses?.startsWith(ACTIONS.installNix.repo));
      expect(install?.with?.install_url).toBe("https://releases.nixos.org/nix/nix-2.35.2/install");
      const cache = job.steps.find((s) => s.uses?.startsWith(ACTIONS.cacheNix.repo));
      expect(cache?.with?.save).toBe("${{ github.event_name == 'push' }}");
    }
    expect(text).not.toMatch(/secrets\./);
  });

  it("runs nix flake check, then one job per dev shell with its commands inside nix develop", () => {
    expect(wf.jobs["flake-check"]!.steps.map((s) => s.run).filter(Boolean)).toEqual(["nix flake check -L"]);
    expect(Object.keys(wf.jobs).sort()).toEqual([
      "flake-check",
      "shell-api",
      "shell-default",
      "shell-tools",
      "shell-worker",
    ]);
    const api = wf.jobs["shell-api"]!.steps.filter((s) => s.run);
    expect(api.map((s) => s.run)).toEqual([
      "nix develop .#api -c true",
      "nix develop .#api -c go vet ./...",
      "nix develop .#api -c go test ./...",
    ]);
    expect(api.slice(1).every((s) => s["working-directory"] === "services/api")).toBe(true);
    const worker = wf.jobs["shell-worker"]!.steps.map((s) => s.run).filter(Boolean);
    expect(worker).toContain(
      `nix develop .#worker -c bash -euo pipefail -c 'cargo clippy -- -D warnings && echo "clippy: ok"'`,
    );
  });

  it("skips the Nix install and cache on self-hosted NixOS runners and targets their labels", () => {
    const self = parse(render("github-self-hosted")) as Workflow;
    for (const job of Object.values(self.jobs)) {
      expect(job["runs-on"]).toEqual(["self-hosted", "nixos", "paved-ci"]);
      expect(job.steps.some((s) => s.uses?.startsWith(ACTIONS.installNix.repo))).toBe(false);
      expect(job.steps.some((s) => s.uses?.startsWith(ACTIONS.cacheNix.repo))).toBe(false);
      expect(job["timeout-minutes"]).toBe(45);
    }
  });

  it("with Cachix, passes the token only on pushes and never pushes from pull requests", () => {
    const cachix = parse(render("github-cachix")) as Workflow;
    const step = cachix.jobs["shell-default"]!.steps.find((s) => s.uses?.startsWith(ACTIONS.cachix.repo))!;
    expect(step.with).toMatchObject({
      name: "acme",
      authToken: "${{ github.event_name == 'push' && secrets.ACME_CACHIX_TOKEN || '' }}",
      skipPush: "${{ github.event_name != 'push' }}",
    });
    expect(cachix.on.push).toEqual({ branches: ["main", "release"] });
  });
});

describe("GitLab pipeline policy", () => {
  type Job = { extends?: string; script: string[]; tags?: string[]; image?: string; cache?: { policy: string } };
  const pipeline = parse(render("gitlab-monorepo")) as Record<string, unknown> & {
    workflow: { rules: { if: string; variables?: Record<string, string> }[] };
  };

  it("writes the cache only on the default branches; merge requests pull", () => {
    expect((pipeline.variables as Record<string, string>).NIX_CACHE_POLICY).toBe("pull");
    const main = pipeline.workflow.rules.find((r) => r.if === '$CI_COMMIT_BRANCH == "main"');
    expect(main?.variables).toEqual({ NIX_CACHE_POLICY: "pull-push" });
    expect((pipeline[".nix"] as Job).cache?.policy).toBe("$NIX_CACHE_POLICY");
    expect((pipeline[".nix"] as Job).image).toBe("nixos/nix:2.35.2");
  });

  it("runs each shell's commands inside nix develop", () => {
    const api = pipeline["shell-api"] as Job;
    expect(api.script).toContain("cd services/api");
    expect(api.script).toContain("nix develop .#api -c go test ./...");
  });

  it("uses tags and no image on self-hosted NixOS runners", () => {
    const self = parse(render("gitlab-self-hosted")) as Record<string, Job>;
    expect(self[".nix"]!.tags).toEqual(["nixos"]);
    expect(self[".nix"]!.image).toBeUndefined();
    expect(JSON.stringify(self)).not.toContain("nix-cache");
  });
});

describe("detected defaults", () => {
  it("prefers the package manager over the language and keeps lockfiles frozen", () => {
    expect(defaultSteps({ toolchains: { node: { version: "22" }, pnpm: { version: "10" } } })).toEqual([
      "pnpm install --frozen-lockfile",
      "pnpm test",
    ]);
    expect(defaultSteps({ toolchains: { node: { version: "22" } } })).toEqual(["npm ci", "npm test"]);
    expect(defaultSteps({ toolchains: { python: { version: "3.13" } } })).toEqual(["pytest"]);
    expect(defaultSteps({ toolchains: { java: { version: "21" }, maven: { version: "3" } } })).toEqual([
      "mvn -B verify",
    ]);
    expect(defaultSteps({ toolchains: { rust: { version: "1" } } })).toEqual(["cargo test --locked"]);
    expect(defaultSteps({})).toEqual([]);
  });

  it("quotes commands with shell syntax so they mean the same inside the shell", () => {
    expect(inDevShell("web", "pnpm test")).toBe("nix develop .#web -c pnpm test");
    expect(inDevShell("web", "echo it's $HOME | tee x")).toBe(
      `nix develop .#web -c bash -euo pipefail -c 'echo it'\\''s $HOME | tee x'`,
    );
  });

  it("renders nothing without a ci section", () => {
    expect(renderCiFiles("/repo", { shells: {} })).toEqual([]);
  });
});
