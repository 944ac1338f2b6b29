import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { fixtureNixpkgs, nixTestEnv, requireTool, runProgram } from "@paved/fixtures";
import { paved } from "./_cli.ts";
import { git, walkedOrg } from "./_org.ts";
import type { MigrationStatus } from "@paved/platform";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
});

/** paved's own flake as a team would fetch it: the root flake.nix and the NixOS modules it exports. */
async function pavedFlake(): Promise<string> {
  const repo = fileURLToPath(new URL("../../../", import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), "paved-self-"));
  await cp(join(repo, "flake.nix"), join(dir, "flake.nix"));
  for (const pkg of ["ci-runner", "baseline"])
    await cp(join(repo, "packages", pkg, "nix"), join(dir, "packages", pkg, "nix"), { recursive: true });
  return dir;
}

const byStep = (status: MigrationStatus, n: number) => status.steps.find((s) => s.step === n)!;

describe("the example organisation, end to end (README quick start)", () => {
  it("walks acme from nothing to steps 1-4 under way, and status, plan and drift say exactly that", async () => {
    const env = nixTestEnv();
    const org = await walkedOrg(paved, await fixtureNixpkgs(), env);
    const platform = join(org, "platform");
    const run = await paved(["status", "--json"], { cwd: platform, env });
    const status = JSON.parse(run.stdout) as MigrationStatus;
    expect(run.code).toBe(0);
    expect(status.drift).toEqual([]);

    const ci = byStep(status, 1);
    // The headline counts the listed repositories, the rows of the report's table; the platform has its own line.
    expect(ci.evidence[0]).toMatchObject({ done: 2, total: 3, items: ["api", "web"] });
    expect(ci.evidence[1]!.text).toBe(
      "Platform repository: its pipeline runs on Nix (`nix flake check` builds every host) — not counted above",
    );
    expect(ci.state).toBe("in-progress");
    expect(ci.subjects.map((s) => `${s.name}:${s.state}`)).toEqual(["api:done", "web:done", "worker:not-started"]);
    const shells = byStep(status, 2);
    expect(shells).toMatchObject({ state: "done", available: true });
    expect(shells.evidence[0]).toMatchObject({
      text: "Dev shells: 3 of 3 repositories have one — api, web, worker",
      done: 3,
      total: 3,
    });
    // Steps 3-4 are not done on paved.yaml's word: without a flake.lock nothing could be evaluated.
    expect(byStep(status, 3).state).toBe("in-progress");
    expect(byStep(status, 3).evidence.map((e) => e.text)).toContain(
      "not proven: flake.lock is missing: run `nix flake lock` in the platform repository (and commit it) so the hosts can be evaluated",
    );
    expect(byStep(status, 4).evidence[0]).toMatchObject({ done: 0, total: 4 });
    expect(status.repos.map((r) => [r.name, r.steps[1], r.steps[2]])).toEqual([
      ["api", "done", "done"],
      ["web", "done", "done"],
      ["worker", "not-started", "done"],
    ]);

    // Locked (here against the fixture nixpkgs and this checkout's modules), the hosts are evaluated: step 3 is
    // proven, and step 4 counts what the evaluation has on: the baseline everywhere, no logging or monitoring.
    const lock = await runProgram(
      [
        "nix",
        "flake",
        "lock",
        "--override-input",
        "nixpkgs",
        `path:${await fixtureNixpkgs()}`,
        "--override-input",
        "paved",
        `path:${await pavedFlake()}`,
      ],
      { cwd: platform, env },
    );
    expect(lock.code, lock.stderr).toBe(0);
    git(platform, "add", "flake.lock");
    const proven = JSON.parse(
      (await paved(["status", "--json"], { cwd: platform, env: { ...env, PAVED_CACHE_DIR: join(org, ".cache") } }))
        .stdout,
    ) as MigrationStatus;
    expect(byStep(proven, 3).state).toBe("done");
    expect(byStep(proven, 3).evidence[0]).toMatchObject({
      text: "Evaluated: 3 of 3 role hosts hardened — bastion-1, staging-1, wiki-1",
      done: 3,
      total: 3,
    });
    expect(byStep(proven, 4).state).toBe("in-progress");
    expect(byStep(proven, 4).evidence.map((e) => e.text)).toEqual([
      "Evaluated: 0 of 4 hosts run the baseline, logging and monitoring",
      "baseline: 4 of 4 hosts — bastion-1, staging-1, wiki-1, ci-1",
      "logging: 0 of 4 hosts",
      "monitoring: 0 of 4 hosts",
    ]);

    // The plan starts where the path is behind: worker's CI, with the command to run from the platform repository.
    const plan = await paved(["plan"], { cwd: platform, env });
    const first = plan.stdout.split("\n").find((l) => l.startsWith("step "));
    expect(first).toBe(
      "step 1: Run worker's CI inside its Nix dev shell → `paved ci init --provider github --dir ../worker`",
    );
    expect(await readFile(join(platform, "MIGRATION.md"), "utf8")).toContain(
      "| 2. Developer shells | done | Dev shells: 3 of 3 repositories have one — api, web, worker |",
    );

    // Drift: web moves to Node 24 in .nvmrc, and someone edits api's generated flake.nix by hand.
    await writeFile(join(org, "web/.nvmrc"), "24\n");
    await appendFile(join(org, "api/flake.nix"), "# local tweak\n");
    const drifted = await paved(["status", "--json"], { cwd: platform, env });
    expect(drifted.code).toBe(5);
    const drift = (JSON.parse(drifted.stdout) as MigrationStatus).drift;
    expect(drift).toContainEqual(
      expect.objectContaining({
        kind: "stale-pin",
        subject: "web",
        message: expect.stringContaining("node is 22 in paved.yaml but .nvmrc now asks for 24"),
      }),
    );
    expect(drift.filter((d) => d.kind === "edited-file")).toEqual([
      expect.objectContaining({ subject: "api", message: expect.stringMatching(/^flake\.nix /) }),
    ]);
    const text = await paved(["status"], { cwd: platform, env });
    expect(text.stdout).toContain("Needs a person (2):");
  });
});
