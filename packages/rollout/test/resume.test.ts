import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldJournal, listRollouts, readJournal } from "@paved/rollout";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { requireTools, TOOLS } from "./_helpers.ts";

const bin = fileURLToPath(new URL("../../../apps/cli/bin/paved.cjs", import.meta.url));
const env = { ...process.env, NO_COLOR: "1", NIX_CONFIG: "substituters =\nexperimental-features = nix-command flakes" };

/** Runs paved; with `kill`, sends SIGKILL `delayMs` after the `events`-th progress event (a host step beginning). */
function paved(
  args: string[],
  kill?: { events: number; delayMs: number },
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      if (kill && !timer && stderr.split("\n").filter((l) => l.startsWith('{"type":"host"')).length >= kill.events) {
        timer = setTimeout(() => child.kill("SIGKILL"), kill.delayMs);
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe("rollout killed at random points and resumed", () => {
  let fleet: Fleet;
  const names = ["k1", "k2", "k3", "k4"];
  beforeAll(async () => {
    requireTools(...TOOLS);
    if (!existsSync(bin)) throw new Error(`the CLI bundle is missing: ${bin}`);
    fleet = await startFleet({ hosts: names.map((name) => ({ name })) });
    fleet.writeConfig({
      waves: [
        { name: "canary", hosts: 1 },
        { name: "rest", hosts: "rest" },
      ],
      concurrency: 2,
      // resume takes the decision itself instead of waiting for guards, so a long timeout costs nothing here
      confirmTimeout: "60s",
      healthChecks: [{ type: "command", run: 'test -e "$PAVED_TEST_HOST_DIR/current-system/healthy"' }],
    });
  });
  afterAll(async () => fleet?.stop());

  // Each round deploys a new version, kills paved with SIGKILL at a random moment, then resumes.
  const rounds = Number(process.env.PAVED_CHAOS_ROUNDS ?? 4);
  for (let round = 1; round <= rounds; round++) {
    it(`round ${round}: every host ends on its target or its previous generation, as the journal says`, async () => {
      for (const name of names) fleet.setTarget(name, { packages: { hello: `2.${12 + round}`, openssl: "3.0.1" } });
      const before = Object.fromEntries(names.map((n) => [n, fleet.inspect(n)]));
      // A rollout of 4 hosts emits about 40 host events; kill somewhere among them, a little after one.
      const kill = { events: 1 + Math.floor(Math.random() * 40), delayMs: Math.floor(Math.random() * 400) };
      const known = new Set(listRollouts(fleet.dir));
      const first = await paved(["rollout", "apply", "-C", fleet.dir, "--json"], kill);
      const id = listRollouts(fleet.dir).find((r) => !known.has(r));
      const context = `killed ${kill.delayMs} ms after event ${kill.events} (${first.signal ?? `exit ${first.code}`})`;
      if (!id) {
        // Killed before the journal existed: nothing may have changed.
        for (const n of names) expect(fleet.inspect(n).path, context).toBe(before[n]!.path);
        return;
      }
      if (process.env.PAVED_DEBUG)
        console.log(
          context,
          Object.values(foldJournal(readJournal(fleet.dir, id)).hosts)
            .map((h) => `${h.name}:${h.lastStep?.step ?? "-"}/${h.lastStep?.phase ?? "-"}/${h.outcome ?? "?"}`)
            .join(" "),
        );
      // Right after the kill the journal names, for every host, a generation it is on or may be on.
      const killed = foldJournal(readJournal(fleet.dir, id));
      for (const n of names) {
        const host = killed.hosts[n]!;
        const actual = fleet.inspect(n).path;
        const allowed = [
          host.generation?.path ?? before[n]!.path,
          ...(host.uncertain && host.target ? [host.target] : []),
        ];
        expect(allowed, `${context}: ${n}`).toContain(actual);
      }
      if (first.signal === "SIGKILL") {
        const resumed = await paved(["rollout", "resume", id, "-C", fleet.dir, "--json"]);
        expect(resumed.code, `${context}\n${resumed.stderr.slice(-3000)}`).toBe(0);
      } else {
        expect(first.code, `${context}\n${first.stderr.slice(-2000)}`).toBe(0);
      }
      const state = foldJournal(readJournal(fleet.dir, id));
      expect(state.outcome, context).toBe("succeeded");
      for (const n of names) {
        const view = fleet.inspect(n);
        const host = state.hosts[n]!;
        const target = fleet.targetPath(n);
        expect([before[n]!.path, target], `${context}: ${n}`).toContain(view.path);
        // the journal agrees with the host, generation number and store path
        expect(host.generation, `${context}: ${n}`).toEqual({ generation: view.generation, path: view.path });
        expect(host.uncertain).toBe(false);
        // healthy hosts finish on the target, active and the boot default
        expect(host.outcome, `${context}: ${n}`).toBe("deployed");
        expect([view.path, view.current, view.bootDefault]).toEqual([target, target, target]);
      }
    });
  }
});

describe("rollout killed and never resumed: the guards alone bring hosts to what the journal names", () => {
  let fleet: Fleet;
  const names = ["g1", "g2", "g3"];
  beforeAll(async () => {
    requireTools(...TOOLS);
    fleet = await startFleet({ hosts: names.map((name) => ({ name })) });
    fleet.writeConfig({
      waves: [{ name: "all", hosts: "rest" }],
      concurrency: 3,
      confirmTimeout: "3s",
      activationTimeout: "5s",
    });
  });
  afterAll(async () => fleet?.stop());

  for (let round = 1; round <= 2; round++) {
    it(`round ${round}: an in-flight host ends on the target only if its decided/by says confirm`, async () => {
      const { readFileSync, existsSync: exists } = await import("node:fs");
      for (const name of names) fleet.setTarget(name, { packages: { hello: `3.${round}`, openssl: "3.0.1" } });
      const kill = { events: 4 + Math.floor(Math.random() * 14), delayMs: Math.floor(Math.random() * 300) };
      const known = new Set(listRollouts(fleet.dir));
      const run = await paved(["rollout", "apply", "-C", fleet.dir, "--json"], kill);
      const id = listRollouts(fleet.dir).find((r) => !known.has(r));
      if (!id) return;
      const state = foldJournal(readJournal(fleet.dir, id));
      // Longest a guard can take: activation + confirm windows, plus its own rollback.
      await new Promise((r) => setTimeout(r, 12_000));
      for (const name of names) {
        const host = state.hosts[name]!;
        const view = fleet.inspect(name);
        const context = `killed ${kill.delayMs} ms after event ${kill.events} (${run.signal ?? run.code}): ${name} last ${host.lastStep?.step}/${host.lastStep?.phase}`;
        if (!host.uncertain) {
          expect(view.path, context).toBe(host.generation?.path ?? view.path);
          continue;
        }
        const decidedFile = `${fleet.hosts.find((h) => h.name === name)!.stateDir}/${id}/${name}-a${host.attempt}/decided/by`;
        const decided = exists(decidedFile) ? readFileSync(decidedFile, "utf8").trim() : "";
        expect(view.path, `${context}, decided ${decided || "nothing"}`).toBe(
          decided === "confirm" ? host.target : host.before!.path,
        );
        expect(view.current, context).toBe(view.path);
      }
      // `rollout status --probe` asks the hosts and agrees
      const probe = await paved(["rollout", "status", id, "--probe", "--json", "-C", fleet.dir]);
      expect(JSON.parse(probe.stdout), probe.stdout).toMatchObject({ agrees: true });
      expect(probe.code).toBe(0);
      // and resuming afterwards still settles everything
      if (run.signal === "SIGKILL") {
        await paved(["rollout", "resume", id, "-C", fleet.dir]);
        const after = foldJournal(readJournal(fleet.dir, id));
        for (const name of names)
          expect(after.hosts[name]!.generation, name).toEqual({
            generation: fleet.inspect(name).generation,
            path: fleet.inspect(name).path,
          });
      }
    });
  }
});
