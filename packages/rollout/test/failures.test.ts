import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRollout, FAILED, readJournal } from "@paved/rollout";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { requireTools, TOOLS } from "./_helpers.ts";

process.env.NIX_CONFIG = "substituters =\nexperimental-features = nix-command flakes";

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("rollout apply: a failing health check (systemd unit states)", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    requireTools(...TOOLS);
    fleet = await startFleet({
      hosts: [{ name: "a" }, { name: "b", behaviour: "unhealthy" }, { name: "c" }, { name: "d" }],
    });
    fleet.writeConfig({
      waves: [
        { name: "canary", hosts: 1 },
        { name: "rest", hosts: "rest" },
      ],
      concurrency: 3,
      healthChecks: [{ type: "systemd", units: ["sshd.service", "nginx.service"] }],
    });
  });
  afterAll(async () => fleet?.stop());

  it("rolls the host back, stops at the failure budget and rolls the wave back", async () => {
    const result = await applyRollout({ dir: fleet.dir });
    expect(result.outcome).toBe("failed");
    const initial = (h: string) => fleet.initialPath(h);
    // the canary wave passed and stays
    expect(result.state.hosts.a!.outcome).toBe("deployed");
    expect(fleet.inspect("a").path).toBe(fleet.targetPath("a"));
    // the unhealthy host went back to generation 1 and re-activated its old system
    expect(result.state.hosts.b).toMatchObject({
      outcome: "failed",
      generation: { generation: 1, path: initial("b") },
    });
    expect(result.state.hosts.b!.message).toMatch(
      /health check failed: systemd units not active: nginx.service=failed/,
    );
    const b = fleet.inspect("b");
    expect([b.generation, b.path, b.current, b.bootDefault]).toEqual([1, initial("b"), initial("b"), initial("b")]);
    expect(b.log.at(-1)).toBe(`test ${initial("b")}`);
    // its wave was rolled back: hosts that had switched returned to their previous generation
    for (const h of ["c", "d"]) {
      expect(result.state.hosts[h]!.outcome).toBe("rolled-back");
      const view = fleet.inspect(h);
      expect([view.generation, view.path, view.current, view.bootDefault]).toEqual([
        1,
        initial(h),
        initial(h),
        initial(h),
      ]);
    }
    expect(result.state.waves.map((w) => w.state)).toEqual(["done", "rolled-back"]);
    const end = readJournal(fleet.dir, result.id).at(-1);
    expect(end).toMatchObject({ type: "end", outcome: "failed" });
  });
});

describe("rollout apply: a host that loses SSH rolls itself back", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    requireTools(...TOOLS);
    fleet = await startFleet({ hosts: [{ name: "cut", behaviour: "kill-sshd" }] });
    fleet.writeConfig({ waves: [{ name: "all", hosts: "rest" }], confirmTimeout: "3s" });
  });
  afterAll(async () => fleet?.stop());

  it("reports the host failed and the guard on the host restores the previous generation", async () => {
    const target = fleet.targetPath("cut");
    const initial = fleet.initialPath("cut");
    const result = await applyRollout({ dir: fleet.dir });
    expect(result.outcome).toBe("failed");
    expect(result.state.hosts.cut).toMatchObject({
      outcome: "rolled-back-by-guard",
      generation: { generation: 1, path: initial },
    });
    // sshd is gone, so look at the host's files: the guard switched the profile back and re-activated the old system
    await until(() => fleet.inspect("cut").current === initial);
    const view = fleet.inspect("cut");
    expect(view.generation).toBe(1);
    expect(view.path).toBe(initial);
    expect(view.bootDefault).toBe(initial);
    expect(view.log.slice(1)).toEqual([`test ${target}`, `test ${initial}`]);
  });
});

describe("rollout apply: activation failures", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    requireTools(...TOOLS);
    fleet = await startFleet({
      hosts: [
        { name: "reboot", behaviour: "exit100" },
        { name: "broken", behaviour: "fail" },
        { name: "stuck", behaviour: "hang" },
      ],
    });
    fleet.writeConfig({
      waves: [{ name: "all", hosts: "rest" }],
      failureBudget: 3,
      activationTimeout: "3s",
      concurrency: 3,
    });
  });
  afterAll(async () => fleet?.stop());

  it("treats exit 4, exit 100 and a hang as failures and puts each host back", async () => {
    const result = await applyRollout({ dir: fleet.dir });
    expect(result.outcome).toBe("succeeded"); // within the failure budget of 3
    const hosts = result.state.hosts;
    expect(hosts.reboot).toMatchObject({ outcome: "reboot-needed" });
    expect(hosts.reboot!.message).toMatch(/--mode boot/);
    expect(hosts.broken).toMatchObject({ outcome: "failed" });
    expect(hosts.broken!.message).toMatch(/exited 4/);
    expect(FAILED.has(hosts.stuck!.outcome!)).toBe(true);
    for (const name of ["reboot", "broken", "stuck"]) {
      const initial = fleet.initialPath(name);
      const view = fleet.inspect(name);
      expect([name, view.generation, view.path, view.current]).toEqual([name, 1, initial, initial]);
      expect(hosts[name]!.generation).toEqual({ generation: 1, path: initial });
    }
    // the hung activation was stopped with its whole process group, not left running on the host
    expect(processesOfHostsIn(fleet.dir)).toEqual([]);
    // exit 100 changed nothing: no re-activation of the old system was needed
    expect(fleet.inspect("reboot").log.slice(1)).toEqual([`test ${fleet.targetPath("reboot")}`]);
  });

  it("--mode boot makes the change the boot default without activating it", async () => {
    const result = await applyRollout({ dir: fleet.dir, select: { names: ["reboot"] }, mode: "boot" });
    expect(result.outcome).toBe("succeeded");
    const target = fleet.targetPath("reboot");
    const view = fleet.inspect("reboot");
    expect(view.path).toBe(target);
    expect(view.bootDefault).toBe(target);
    expect(view.current).toBe(fleet.initialPath("reboot"));
    expect(view.log.at(-1)).toBe(`boot ${target}`);
  });
});

describe("rollout apply: an HTTP probe as the health check", () => {
  let fleet: Fleet;
  let server: import("node:http").Server;
  beforeAll(async () => {
    requireTools(...TOOLS);
    fleet = await startFleet({ hosts: [{ name: "web" }, { name: "sick", behaviour: "unhealthy" }] });
    const { createServer } = await import("node:http");
    const { existsSync } = await import("node:fs");
    // The "service" of each host answers 200 only when the system it runs is healthy.
    server = createServer((req, res) => {
      const host = (req.url ?? "/").slice(1);
      const current = fleet.hosts.some((h) => h.name === host) ? fleet.inspect(host).current : "";
      res.writeHead(current && existsSync(`${current}/healthy`) ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as import("node:net").AddressInfo).port;
    fleet.writeConfig({
      waves: [{ name: "all", hosts: "rest" }],
      failureBudget: 1,
      healthChecks: [{ type: "http", url: `http://127.0.0.1:${port}/{host}`, expectStatus: 200 }],
    });
  });
  afterAll(async () => {
    server?.close();
    await fleet?.stop();
  });

  it("deploys the host whose probe answers and rolls back the one whose probe fails, within the budget", async () => {
    const result = await applyRollout({ dir: fleet.dir });
    expect(result.outcome).toBe("succeeded");
    expect(result.state.hosts.web!.outcome).toBe("deployed");
    expect(fleet.inspect("web").current).toBe(fleet.targetPath("web"));
    expect(result.state.hosts.sick).toMatchObject({ outcome: "failed", generation: { generation: 1 } });
    expect(result.state.hosts.sick!.message).toMatch(/http .*\/sick: status 503, expected 200/);
    expect(fleet.inspect("sick").current).toBe(fleet.initialPath("sick"));
    expect(result.state.failures).toBe(1);
  });
});

describe("rollout apply: bake time and pause between waves", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    requireTools(...TOOLS);
    fleet = await startFleet({ hosts: [{ name: "early" }, { name: "late" }] });
  });
  afterAll(async () => fleet?.stop());

  it("re-checks health after the bake; a host that turned unhealthy is rolled back and the rollout stops", async () => {
    const { writeFileSync } = await import("node:fs");
    fleet.writeConfig({
      waves: [
        { name: "canary", hosts: 1, bake: "1s" },
        { name: "rest", hosts: "rest" },
      ],
      healthChecks: [{ type: "command", run: 'test ! -e "$PAVED_TEST_HOST_DIR/sick"' }],
    });
    const early = fleet.hosts.find((h) => h.name === "early")!;
    const result = await applyRollout({
      dir: fleet.dir,
      // the canary falls ill while the wave bakes
      onEvent: (e) => e.type === "wave" && e.phase === "bake" && writeFileSync(`${early.dir}/sick`, ""),
    });
    expect(result.outcome).toBe("failed");
    expect(result.state.hosts.early).toMatchObject({
      outcome: "failed",
      generation: { generation: 1, path: fleet.initialPath("early") },
    });
    expect(result.state.hosts.early!.message).toMatch(/unhealthy after the bake/);
    expect(result.state.hosts.late!.outcome).toBe("skipped");
    for (const name of ["early", "late"]) {
      const view = fleet.inspect(name);
      expect([view.path, view.current, view.bootDefault]).toEqual([
        fleet.initialPath(name),
        fleet.initialPath(name),
        fleet.initialPath(name),
      ]);
    }
  });

  it("--pause stops after each wave until `rollout resume`", async () => {
    const { rmSync } = await import("node:fs");
    const { resumeRollout } = await import("@paved/rollout");
    rmSync(`${fleet.hosts.find((h) => h.name === "early")!.dir}/sick`);
    fleet.writeConfig({
      waves: [
        { name: "canary", hosts: 1 },
        { name: "rest", hosts: "rest" },
      ],
    });
    const paused = await applyRollout({ dir: fleet.dir, pause: true });
    expect(paused.outcome).toBe("paused");
    expect(paused.state.hosts.early!.outcome).toBe("deployed");
    expect(paused.state.hosts.late!.outcome).toBeUndefined();
    expect(fleet.inspect("late").path).toBe(fleet.initialPath("late"));
    const resumed = await resumeRollout({ dir: fleet.dir, id: paused.id });
    expect(resumed.outcome).toBe("succeeded");
    expect(resumed.state.hosts.late!.outcome).toBe("deployed");
    expect(fleet.inspect("late").path).toBe(fleet.targetPath("late"));
  });
});

/** Processes this fleet's hosts started (their sshd gives every session PAVED_TEST_HOST_DIR under the fleet). */
function processesOfHostsIn(fleetDir: string): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!environ.some((v) => v.startsWith(`PAVED_TEST_HOST_DIR=${fleetDir}/`))) continue;
      lines.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim()}`);
    } catch {
      // the process ended while we looked
    }
  }
  return lines;
}
