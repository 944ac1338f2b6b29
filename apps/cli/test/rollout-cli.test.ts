import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { paved } from "./_cli.ts";

const env = { NIX_CONFIG: "substituters =\nexperimental-features = nix-command flakes" };

describe("paved rollout and image commands", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    for (const tool of ["nix", "nix-env", "ssh", "sshd", "setsid"]) requireTool(tool);
    fleet = await startFleet({
      hosts: [
        { name: "web-1", tags: ["web"] },
        { name: "web-2", tags: ["web"] },
        { name: "db-1", tags: ["db"] },
      ],
    });
  });
  afterAll(async () => fleet?.stop());

  it("--dry-run shows the waves and writes nothing", async () => {
    const run = await paved(["rollout", "apply", "--dry-run", "--waves", "1,rest", "--json", "-C", fleet.dir], { env });
    expect(run.code).toBe(0);
    const data = JSON.parse(run.stdout);
    expect(data.outcome).toBe("planned");
    expect(data.waves.map((w: { hosts: string[] }) => w.hosts)).toEqual([["web-1"], ["web-2", "db-1"]]);
    expect(existsSync(join(fleet.dir, ".paved"))).toBe(false);
    expect(fleet.inspect("web-1").generation).toBe(1);
  });

  it("apply --json: events as JSON lines on stderr, the summary on stdout; status reads the journal", async () => {
    const run = await paved(["rollout", "apply", "--tag", "web", "--waves", "1,rest", "--json", "-C", fleet.dir], {
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ outcome: "succeeded", hosts: 2, counts: { deployed: 2 } });
    const events = run.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: "rollout", phase: "begin", id: summary.id });
    expect(events.filter((e) => e.type === "host" && e.phase === "done").map((e) => [e.host, e.outcome])).toEqual([
      ["web-1", "deployed"],
      ["web-2", "deployed"],
    ]);
    expect(fleet.inspect("db-1").generation).toBe(1); // not selected

    const list = await paved(["rollout", "status", "--json", "-C", fleet.dir], { env });
    expect(JSON.parse(list.stdout).rollouts.map((r: { id: string }) => r.id)).toEqual([summary.id]);
    const one = await paved(["rollout", "status", summary.id, "-C", fleet.dir], { env });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/web-1\s+deployed\s+generation 2/);
    expect(one.stdout).toMatch(/wave 2 wave2: done, 1 host\(s\)/);
  });

  it("rollout resume with nothing to resume is a usage error", async () => {
    const run = await paved(["rollout", "resume", "-C", fleet.dir], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("E_USAGE");
  });

  it("bad rollout settings fail with file:line:col and change nothing", async () => {
    const file = join(fleet.dir, "paved.yaml");
    const good = readFileSync(file, "utf8");
    try {
      writeFileSync(file, good.replace(/concurrency: \d+/, "concurrency: 0"));
      const run = await paved(["rollout", "apply", "-C", fleet.dir], { env });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/paved\.yaml:\d+:\d+: rollout\.concurrency/);
      expect(fleet.inspect("db-1").generation).toBe(1);
    } finally {
      writeFileSync(file, good);
    }
  });

  it("image formats and image build --json", async () => {
    const formats = await paved(["image", "formats", "db-1", "--json", "-C", fleet.dir], { env });
    expect(JSON.parse(formats.stdout)).toEqual({ host: "db-1", formats: ["iso", "qemu"] });
    const run = await paved(["image", "build", "db-1", "--format", "qemu", "--json", "-C", fleet.dir], { env });
    expect(run.code, run.stderr).toBe(0);
    const image = JSON.parse(run.stdout);
    expect(image).toMatchObject({ host: "db-1", format: "qemu", size: 4096 });
    expect(image.path).toMatch(/\/nixos-image-db-1\.qcow2$/);
    expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
    const text = await paved(["image", "build", "db-1", "--format", "qemu", "-C", fleet.dir], { env });
    expect(text.stdout).toContain(`sha256: ${image.sha256}`);
  });
});
