import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ciInit, ciStatus, repoCiStatus } from "@paved/ci-runner";
import { APP_CONFIG, tempRepo } from "./_repo.ts";

const HAND_WRITTEN_NIX = `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: nix develop -c make test
`;
const PLAIN = `test:\n  script:\n    - npm ci\n    - npm test\n`;

describe("repoCiStatus", () => {
  it("tells paved's pipelines, hand-written Nix pipelines, other CI and no CI apart", async () => {
    const paved = await tempRepo({ "paved.yaml": APP_CONFIG });
    await ciInit({ dir: paved, provider: "github" });
    expect((await repoCiStatus(paved)).ci).toBe("paved");
    expect((await repoCiStatus(await tempRepo({ ".github/workflows/ci.yaml": HAND_WRITTEN_NIX }))).ci).toBe("nix");
    expect((await repoCiStatus(await tempRepo({ ".gitlab-ci.yml": PLAIN }))).ci).toBe("other");
    expect((await repoCiStatus(await tempRepo({ "README.md": "hi" }))).ci).toBe("none");
  });

  it("counts an edited paved pipeline that still runs nix as Nix, not as paved's", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    await ciInit({ dir, provider: "gitlab" });
    const path = join(dir, ".gitlab-ci.yml");
    const { readFile } = await import("node:fs/promises");
    await writeFile(path, `${await readFile(path, "utf8")}# tweak\n`);
    expect((await repoCiStatus(dir)).ci).toBe("nix");
  });
});

describe("ciStatus", () => {
  it("reports the repositories of a platform repository and its runner hosts", async () => {
    const web = await tempRepo({ "paved.yaml": APP_CONFIG });
    await ciInit({ dir: web, provider: "github" });
    const legacy = await tempRepo({ ".gitlab-ci.yml": PLAIN });
    const handmade = await tempRepo({ ".github/workflows/ci.yml": HAND_WRITTEN_NIX });
    const platform = await tempRepo({
      "paved.yaml": `version: 1
repos: [${JSON.stringify(web)}, ${JSON.stringify(legacy)}, ${JSON.stringify(handmade)}, "../does-not-exist"]
hosts:
  ci-1:
    role: ci-runner
    runner: { provider: github, url: "https://github.com/acme", tokenFile: /run/secrets/gh, count: 3, labels: [big] }
  bastion:
    role: bastion
`,
    });
    const report = await ciStatus({ dir: platform });
    expect(report.step).toBe(1);
    expect(report.state).toBe("in-progress");
    expect(report.evidence[0]).toMatchObject({ done: 2, total: 3 });
    expect(report.evidence[0]!.text).toMatch(/^CI: 2 of 3 repositories run on Nix/);
    // The platform repository is not one of the counted repositories: it has its own line.
    expect(report.evidence[1]!.text).toBe("Platform repository: no pipeline of its own yet — not counted above");
    expect(report.evidence[2]).toMatchObject({ total: 3, items: ["ci-1"] });
    expect(report.evidence[2]!.text).toContain("ci-1 (github ×3)");
    expect(report.next).toEqual([
      expect.objectContaining({ step: 1, command: `paved ci init --provider gitlab --dir ${legacy}` }),
      // The platform's own pipeline, not counted above, is still worth having: it builds every host.
      expect.objectContaining({ step: 1, command: `paved ci init --provider github --dir ${platform}` }),
    ]);
    expect(report.drift.map((d) => d.kind)).toEqual(["missing-repo"]);
  });

  it("is done for an application repository whose pipeline paved rendered, and flags a deleted pipeline", async () => {
    const dir = await tempRepo({ "paved.yaml": APP_CONFIG });
    await ciInit({ dir, provider: "github" });
    const report = await ciStatus({ dir });
    expect(report.state).toBe("done");
    expect(report.next).toEqual([]);
    const { rm } = await import("node:fs/promises");
    await rm(join(dir, ".github"), { recursive: true });
    const after = await ciStatus({ dir });
    expect(after.state).toBe("not-started");
    expect(after.drift.map((d) => d.kind)).toEqual(["never-deployed"]);
  });
});
