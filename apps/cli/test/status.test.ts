import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";
import { writeJournals } from "./_journals.ts";
import { copyOrg, snapshot } from "./_org.ts";
import type { MigrationStatus } from "@paved/platform";

beforeAll(() => {
  requireTool("git");
});

async function statusJson(dir: string): Promise<{ code: number; status: MigrationStatus; stderr: string }> {
  const run = await paved(["status", "--json", "--dir", dir]);
  return { code: run.code, status: JSON.parse(run.stdout) as MigrationStatus, stderr: run.stderr };
}

describe("paved status", () => {
  it("reports all five steps of the example organisation, its repositories and hosts", async () => {
    const org = await copyOrg();
    const { code, status } = await statusJson(join(org, "platform"));
    expect(status.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(status.platform.name).toBe("Acme");
    expect(status.repos.map((r) => [r.name, r.entry, r.readable])).toEqual([
      ["api", "../api", true],
      ["web", "../web", true],
      ["worker", "../worker", true],
    ]);
    expect(status.hosts.map((h) => `${h.name}:${h.role}`)).toEqual([
      "bastion-1:bastion",
      "staging-1:staging",
      "wiki-1:internal",
      "ci-1:ci-runner",
    ]);
    // Every step package reports in this build; nothing is rendered yet, so the platform's files are missing.
    expect(status.steps.map((s) => s.available)).toEqual([true, true, true, true, true]);
    expect(status.drift).toContainEqual(
      expect.objectContaining({
        kind: "never-rendered",
        subject: "Acme",
        message: "team.nix is missing",
        fix: "Run `paved sync` to render it.",
      }),
    );
    // Nothing has been set up in the application repositories: step 2's first action names the repository and the command.
    const step2 = status.next.filter((a) => a.step === 2).map((a) => a.command);
    expect(step2).toEqual(["paved init --dir ../api", "paved init --dir ../web", "paved init --dir ../worker"]);
    expect(code).toBe(status.attention ? 5 : 0);
  });

  it("keeps going past a missing repository, and one that is a file; writes nothing; exits 5", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    const yaml = await readFile(join(platform, "paved.yaml"), "utf8");
    await writeFile(
      join(platform, "paved.yaml"),
      yaml.replace("  - ../worker\n", "  - ../worker\n  - ../billing\n  - ../notes.txt\n"),
    );
    await writeFile(join(org, "notes.txt"), "not a repository\n");
    const before = await snapshot(org);
    const { code, status } = await statusJson(platform);
    expect(code).toBe(5);
    expect(status.attention).toBe(true);
    const byKind = (kind: string) => status.problems.filter((p) => p.kind === kind);
    expect(byKind("missing-repo")).toEqual([
      expect.objectContaining({ subject: "billing", message: expect.stringContaining("../billing does not exist") }),
    ]);
    expect(byKind("unreadable-repo")).toEqual([
      expect.objectContaining({ subject: "notes.txt", message: expect.stringContaining("not a directory") }),
    ]);
    for (const p of [...byKind("missing-repo"), ...byKind("unreadable-repo")]) expect(p.fix).toContain("repos:");
    // The readable repositories are still there, with the others flagged.
    expect(status.repos.filter((r) => r.readable).map((r) => r.name)).toEqual(["api", "web", "worker"]);
    expect(status.steps).toHaveLength(5);
    expect(await snapshot(org)).toEqual(before);
    const text = await paved(["status", "--dir", platform]);
    expect(text.code).toBe(5);
    expect(text.stdout).toContain("repos: ../billing does not exist");
    expect(text.stdout).toContain("Could not read everything (2)");
  });

  it("reads a paved.yaml from an older paved leniently: says so, still lists repos and hosts, writes nothing", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    const yaml = await readFile(join(platform, "paved.yaml"), "utf8");
    // Format 0: no version key and a section name this paved does not know.
    await writeFile(join(platform, "paved.yaml"), yaml.replace("version: 1\n", "").replace("rollout:\n", "deploy:\n"));
    const before = await snapshot(org);
    const { code, status } = await statusJson(platform);
    expect(code).toBe(5);
    const old = status.problems.find((p) => p.kind === "old-config");
    expect(old?.message).toMatch(/no `version:` key: it was written by an older paved; this paved reads format 1/);
    expect(old?.fix).toContain("version: 1");
    expect(status.repos.map((r) => r.name)).toEqual(["api", "web", "worker"]);
    expect(status.hosts.map((h) => h.name)).toEqual(["bastion-1", "staging-1", "wiki-1", "ci-1"]);
    expect(status.platform.name).toBe("Acme");
    expect(await snapshot(org)).toEqual(before);

    await writeFile(join(platform, "paved.yaml"), yaml.replace("version: 1\n", "version: 7\n"));
    const newer = await statusJson(platform);
    expect(newer.status.problems.find((p) => p.kind === "old-config")?.message).toContain("newer paved");
  });

  it("fails with exit 3 and a position when paved.yaml is not YAML at all", async () => {
    const org = await copyOrg({ git: false });
    await writeFile(join(org, "platform/paved.yaml"), "repos: [../api\nhosts: {}\n");
    const run = await paved(["status", "--json", "--dir", join(org, "platform")]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).error.code).toBe("E_CONFIG_PARSE");
    expect(run.stderr).toMatch(/paved\.yaml:\d+:\d+/);
  });

  it("flags generated files edited by hand in the platform repository and exits 0 once they are restored", async () => {
    const org = await copyOrg();
    const platform = join(org, "platform");
    expect((await paved(["init", "--platform", "--dir", platform])).code).toBe(0);
    const clean = await statusJson(platform);
    expect(clean.status.drift.filter((d) => d.kind === "edited-file")).toEqual([]);
    const flake = await readFile(join(platform, "flake.nix"), "utf8");
    await appendFile(join(platform, "flake.nix"), "# tweaked by hand\n");
    const { code, status } = await statusJson(platform);
    expect(status.drift).toContainEqual(
      expect.objectContaining({
        kind: "edited-file",
        subject: "Acme",
        message: expect.stringContaining("flake.nix was edited by hand"),
      }),
    );
    expect(code).toBe(5);
    await writeFile(join(platform, "flake.nix"), flake);
    const restored = await statusJson(platform);
    expect(restored.status.drift.filter((d) => d.kind === "edited-file")).toEqual([]);
  });

  it("in an application repository, reports that repository and leaves steps 3-5 to the platform repository", async () => {
    const org = await copyOrg();
    const web = join(org, "web");
    expect((await paved(["init", "--yes", "--dir", web])).code).toBe(0);
    const { code, status } = await statusJson(web);
    expect(code).toBe(0);
    expect(status.repos.map((r) => [r.name, r.entry])).toEqual([["web", "."]]);
    expect(status.steps.find((s) => s.step === 2)).toMatchObject({ state: "done", available: true });
    for (const step of status.steps.filter((s) => s.step >= 3)) {
      expect(step.available).toBe(false);
      expect(step.reason).toContain("platform repository");
    }
    expect(status.next.filter((a) => a.step >= 3)).toEqual([]);
  });

  it("reads every rollout journal it can: a torn last line and a corrupt journal are reported, the rest still counts", async () => {
    const org = await copyOrg({ git: false });
    const platform = join(org, "platform");
    const [ok, bad, torn] = await writeJournals(platform);
    const first = await statusJson(platform);
    expect(first.code).toBe(5);
    expect(first.status.rollouts.map((r) => [r.id, r.outcome])).toEqual([
      [ok, "succeeded"],
      [bad, "failed"],
      [torn, "running"],
    ]);
    expect(first.status.problems).toContainEqual(
      expect.objectContaining({
        kind: "journal",
        message: expect.stringContaining(`${torn}.jsonl:3: the last line is truncated`),
      }),
    );
    expect(first.status.hosts.map((h) => [h.name, h.deployed])).toEqual([
      ["bastion-1", true],
      ["staging-1", true],
      ["wiki-1", true],
      ["ci-1", false],
    ]);
    expect(first.status.drift).toContainEqual(expect.objectContaining({ kind: "never-deployed", subject: "ci-1" }));
    expect(first.status.steps[4]).toMatchObject({ available: true, state: "in-progress" });

    // A line in the middle of a journal damaged by hand: that journal is reported, the others are still read.
    const file = join(platform, ".paved/rollouts", `${bad}.jsonl`);
    const lines = (await readFile(file, "utf8")).split("\n");
    lines[2] = lines[2]!.slice(0, 10);
    await writeFile(file, lines.join("\n"));
    const before = await snapshot(org);
    const second = await statusJson(platform);
    expect(second.code).toBe(5);
    expect(second.status.rollouts.map((r) => r.id)).toEqual([ok, torn]);
    expect(second.status.problems).toContainEqual(
      expect.objectContaining({
        kind: "journal",
        subject: bad,
        message: expect.stringContaining(`${bad}.jsonl:3: not a JSON record`),
      }),
    );
    expect(second.status.steps).toHaveLength(5);
    expect(await snapshot(org)).toEqual(before);
  });
});
