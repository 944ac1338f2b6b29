/** Two rollouts at once against real sshd hosts: the lease on each host lets only one drive it. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { readJournal } from "../src/index.ts";
import { requireTools, runPaved, TOOLS, type PavedRun } from "./_helpers.ts";

const names = ["l1", "l2", "l3"];
let fleet: Fleet;
let version = 0;

beforeAll(async () => {
  requireTools(...TOOLS);
  fleet = await startFleet({ hosts: names.map((name) => ({ name })) });
  fleet.writeConfig({
    waves: [{ name: "all", hosts: "rest" }],
    concurrency: 3,
    healthChecks: [{ type: "command", run: "sleep 1" }],
  });
});
afterAll(async () => fleet?.stop());

function nextTargets(): void {
  version++;
  for (const name of names) fleet.setTarget(name, { packages: { hello: `5.${version}`, openssl: "3.0.1" } });
}

const leaseFile = (name: string) => `${fleet.hosts.find((h) => h.name === name)!.stateDir}/lease`;
const output = (run: PavedRun) =>
  JSON.parse(run.stdout) as { id?: string; error?: { code: string; message: string; hint: string } };

describe("a lease per host", () => {
  it("a second apply started while the first drives the hosts refuses, naming the first; every host is driven once", async () => {
    nextTargets();
    const logs = Object.fromEntries(names.map((n) => [n, fleet.inspect(n).log.length]));
    let second: Promise<PavedRun> | undefined;
    const first = await runPaved(["rollout", "apply", "-C", fleet.dir], (event) => {
      // the first rollout holds its wave's leases before any host step begins
      if (!second && event.type === "host") second = runPaved(["rollout", "apply", "-C", fleet.dir]);
    });
    const refused = await second!;
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    const id = output(first).id!;
    expect(refused.code, refused.stderr.slice(-2000)).toBe(1);
    const error = output(refused).error!;
    expect(error.code).toBe("E_ROLLOUT_HOST_LEASED");
    expect(error.message).toContain(`rollout ${id}`);
    expect(error.message).toContain(`${hostname()}:${first.pid}`);
    expect(error.hint).toMatch(/paved rollout resume \S+/);
    // the refused rollout never started a host step
    expect(refused.events.filter((e) => e.type === "host")).toEqual([]);
    // the wave's lease round also answered each host's probe: one lease record, no probe call of its own
    const records = readJournal(fleet.dir, id);
    expect(records.filter((r) => r.type === "lease")).toMatchObject([{ wave: 0, hosts: names.length }]);
    const probes = records.filter((r) => r.type === "step" && r.step === "probe" && r.phase === "end");
    expect(probes.map((r) => (r.type === "step" ? [r.host, r.data?.leased] : []))).toEqual(
      expect.arrayContaining(names.map((n) => [n, true])),
    );
    for (const name of names) {
      const target = fleet.targetPath(name);
      expect(fleet.inspect(name).log.slice(logs[name])).toEqual([`test ${target}`, `boot ${target}`]);
      // released once the wave was done
      expect(existsSync(leaseFile(name))).toBe(false);
    }
  });

  it("recognises stale leases (expired, or held by a process that is gone) and respects a live one", async () => {
    nextTargets();
    const now = Math.floor(Date.now() / 1000);
    // l1: a rollout on another machine whose lease ran out; l2: a paved on this machine that is gone
    writeFileSync(leaseFile("l1"), `id=old-expired\nexpires=${now - 5}\nholder=elsewhere:42\n`);
    writeFileSync(leaseFile("l2"), `id=old-dead\nexpires=${now + 3600}\nholder=${hostname()}:999999999\n`);
    const ok = await runPaved(["rollout", "apply", "-C", fleet.dir, "--host", "l1,l2"]);
    expect(ok.code, ok.stderr.slice(-2000)).toBe(0);
    for (const name of ["l1", "l2"]) expect(fleet.inspect(name).path).toBe(fleet.targetPath(name));
    // l3: held by a live rollout on another machine
    writeFileSync(leaseFile("l3"), `id=live-elsewhere\nexpires=${now + 3600}\nholder=elsewhere:42\n`);
    const before = fleet.inspect("l3").path;
    const refused = await runPaved(["rollout", "apply", "-C", fleet.dir, "--host", "l3"]);
    expect(refused.code).toBe(1);
    expect(output(refused).error).toMatchObject({
      code: "E_ROLLOUT_HOST_LEASED",
      message: expect.stringContaining("l3 (rollout live-elsewhere, elsewhere:42"),
    });
    expect(fleet.inspect("l3").path).toBe(before);
    expect(readFileSync(leaseFile("l3"), "utf8")).toContain("id=live-elsewhere");
  });
});
