import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import {
  applyRollout,
  probeRollout,
  readJournal,
  rollbackRollout,
  rolloutStatus,
  type RolloutEvent,
} from "@paved/rollout";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { requireTools, TOOLS } from "./_helpers.ts";

describe("rollout apply: a clean rollout in three waves, then rollback", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    requireTools(...TOOLS);
    process.env.NIX_CONFIG = "substituters =\nexperimental-features = nix-command flakes";
    fleet = await startFleet({
      hosts: ["a", "b", "c", "d", "e"].map((name) => ({ name, packages: { hello: "2.12", openssl: "3.0.1" } })),
    });
    fleet.writeConfig({
      waves: [
        { name: "canary", hosts: 1 },
        { name: "early", hosts: "25%" },
        { name: "rest", hosts: "rest" },
      ],
      healthChecks: [{ type: "command", run: 'test -e "$PAVED_TEST_HOST_DIR/current-system/healthy"' }],
    });
  });
  afterAll(async () => fleet?.stop());

  it("deploys every host wave by wave, makes it the boot default, and journals every step", async () => {
    const events: RolloutEvent[] = [];
    const result = await applyRollout({ dir: fleet.dir, onEvent: (e) => events.push(e) });
    expect(result.outcome).toBe("succeeded");
    expect(result.state.waves.map((w) => w.hosts)).toEqual([["a"], ["b", "c"], ["d", "e"]]);
    for (const host of fleet.hosts) {
      const view = fleet.inspect(host.name);
      const target = fleet.targetPath(host.name);
      expect(view.generation).toBe(2);
      expect(view.path).toBe(target);
      expect(view.current).toBe(target);
      expect(view.bootDefault).toBe(target);
      // activated with `test` first, made the boot default with `boot` only after confirmation
      expect(view.log.slice(1)).toEqual([`test ${target}`, `boot ${target}`]);
      expect(result.state.hosts[host.name]).toMatchObject({
        outcome: "deployed",
        generation: { generation: 2, path: target },
        before: { generation: 1 },
      });
    }
    // waves ran one after another: the canary finished before any host of the next wave began
    const doneA = events.findIndex((e) => e.type === "host" && e.host === "a" && e.phase === "done");
    const firstB = events.findIndex((e) => e.type === "host" && (e.host === "b" || e.host === "c"));
    expect(doneA).toBeGreaterThan(-1);
    expect(firstB).toBeGreaterThan(doneA);
    const steps = readJournal(fleet.dir, result.id)
      .filter((r) => r.type === "step" && r.host === "a")
      .map((r) => (r.type === "step" ? `${r.step}:${r.phase}` : ""));
    // step 5 of `paved status`: every host reached, nothing left hanging; a host never deployed is drift
    const report = await rolloutStatus({ dir: fleet.dir });
    expect(report).toMatchObject({ step: 5, state: "done", drift: [] });
    expect(report.evidence.find((e) => e.text.startsWith("Hosts reached"))).toMatchObject({ done: 5, total: 5 });
    const partial = await rolloutStatus({ dir: fleet.dir, hosts: ["a", "b", "c", "d", "e", "f"] });
    expect(partial.state).toBe("in-progress");
    expect(partial.drift).toEqual([
      expect.objectContaining({ kind: "never-deployed", subject: "f", fix: "paved rollout apply --host f" }),
    ]);
    expect(steps).toEqual([
      "build:begin",
      "build:end",
      "probe:begin",
      "probe:end",
      "copy:begin",
      "copy:end",
      "arm:begin",
      "arm:end",
      "profile:begin",
      "profile:end",
      "activate:begin",
      "activate:end",
      "health:begin",
      "health:end",
      "confirm:begin",
      "confirm:end",
      "boot:begin",
      "boot:end",
    ]);
  });

  it("rolls a finished rollout back: every host returns to the generation it had before", async () => {
    const { listRollouts } = await import("@paved/rollout");
    const [id] = listRollouts(fleet.dir);
    const result = await rollbackRollout({ dir: fleet.dir, id: id! });
    expect(result.outcome).toBe("rolled-back");
    for (const host of fleet.hosts) {
      const view = fleet.inspect(host.name);
      const initial = fleet.initialPath(host.name);
      expect(view.generation).toBe(1);
      expect(view.path).toBe(initial);
      expect(view.current).toBe(initial);
      expect(view.bootDefault).toBe(initial);
      expect(result.state.hosts[host.name]).toMatchObject({
        outcome: "rolled-back",
        generation: { generation: 1, path: initial },
      });
    }
  });

  it("status --probe finds a host someone switched by hand after the rollout", async () => {
    const { listRollouts } = await import("@paved/rollout");
    const [id] = listRollouts(fleet.dir);
    expect((await probeRollout({ dir: fleet.dir, id: id! })).every((c) => c.agrees)).toBe(true);
    const b = fleet.hosts.find((h) => h.name === "b")!;
    execFileSync("nix-env", ["-p", b.profile, "--switch-generation", "2"], { stdio: "ignore" });
    const checks = await probeRollout({ dir: fleet.dir, id: id! });
    expect(checks.filter((c) => !c.agrees).map((c) => [c.host, c.actual?.generation])).toEqual([["b", 2]]);
  });
});
