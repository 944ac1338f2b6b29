import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  budgetHosts,
  Journal,
  journalPath,
  parseWavesFlag,
  planWaves,
  readJournal,
  sshArgv,
  type HostEntry,
} from "@paved/rollout";
import { EMPTY_HEADER } from "./_helpers.ts";

const hosts = (n: number, extra: Partial<HostEntry> = {}): HostEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `h${i + 1}`,
    role: "internal",
    system: "x86_64-linux",
    tags: [],
    ...extra,
  }));

describe("ssh command line", () => {
  it("never multiplexes: every ssh call is a fresh connection", () => {
    const argv = sshArgv(
      { name: "a", address: "10.0.0.1", user: "root", port: 2222, options: [], connectTimeoutS: 5 },
      ["echo", "a b"],
    );
    expect(argv.join(" ")).toContain("-o ControlMaster=no -o ControlPath=none");
    expect(argv.slice(-2)).toEqual(["root@10.0.0.1", "echo 'a b'"]);
  });
});

describe("waves and budgets", () => {
  it("splits canary 1, 25% and the rest", () => {
    const waves = planWaves(hosts(10), parseWavesFlag("1,25%,rest"), "0s");
    expect(waves.map((w) => w.hosts.length)).toEqual([1, 3, 6]);
    expect(waves.flatMap((w) => w.hosts)).toEqual(hosts(10).map((h) => h.name));
  });

  it("gives the last wave every host left, and drops empty waves", () => {
    expect(planWaves(hosts(2), parseWavesFlag("1,1,1"), "0s").map((w) => w.hosts)).toEqual([["h1"], ["h2"]]);
    expect(planWaves(hosts(5), parseWavesFlag("2,1"), "0s").map((w) => w.hosts.length)).toEqual([2, 3]);
  });

  it("takes selector waves by tag or role", () => {
    const fleet = [...hosts(3), { name: "c1", role: "staging", system: "x86_64-linux", tags: ["canary"] }];
    const waves = planWaves(
      fleet,
      [
        { name: "canary", hosts: { tags: ["canary"] }, pause: false },
        { name: "rest", hosts: "rest", pause: false },
      ],
      "1m",
    );
    expect(waves.map((w) => [w.name, w.hosts, w.bakeMs])).toEqual([
      ["canary", ["c1"], 60_000],
      ["rest", ["h1", "h2", "h3"], 60_000],
    ]);
  });

  it("rejects bad wave flags and budgets with a code and a hint", () => {
    expect(() => parseWavesFlag("1,soon")).toThrow(
      expect.objectContaining({ code: "E_USAGE", hint: expect.stringContaining("--waves 1,25%,rest") }),
    );
    expect(budgetHosts("10%", 50)).toBe(5);
    expect(budgetHosts(2, 50)).toBe(2);
    expect(() => budgetHosts("lots", 5)).toThrow(expect.objectContaining({ code: "E_USAGE" }));
    expect(() => budgetHosts("200%", 5)).toThrow(expect.objectContaining({ code: "E_USAGE" }));
    expect(() => budgetHosts("0%", 5)).toThrow(expect.objectContaining({ code: "E_USAGE" }));
    expect(budgetHosts("100%", 5)).toBe(5);
    expect(() => budgetHosts(Number("x"), 5)).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });
});

describe("journal files", () => {
  const header = EMPTY_HEADER;

  it("ignores a torn last line (a crash mid-write) but refuses a corrupt middle", () => {
    const dir = mkdtempSync(join(tmpdir(), "paved-journal-"));
    const journal = Journal.open(dir, "r1", true);
    journal.append(header);
    journal.append({ type: "end", at: "2026-01-01T00:00:01Z", outcome: "succeeded", message: "ok" });
    journal.close();
    appendFileSync(journalPath(dir, "r1"), '{"type":"ste');
    expect(readJournal(dir, "r1").map((r) => r.type)).toEqual(["rollout", "end"]);
    writeFileSync(journalPath(dir, "r1"), `${JSON.stringify(header)}\nnot json\n${JSON.stringify({ type: "end" })}\n`);
    expect(() => readJournal(dir, "r1")).toThrow(expect.objectContaining({ code: "E_ROLLOUT_JOURNAL" }));
  });

  it("lets one live process drive a rollout and takes over a dead one's lock", () => {
    const dir = mkdtempSync(join(tmpdir(), "paved-journal-"));
    Journal.open(dir, "r1", true).close();
    writeFileSync(`${journalPath(dir, "r1")}.lock`, "1"); // pid 1 is alive
    expect(() => Journal.open(dir, "r1", false)).toThrow(expect.objectContaining({ code: "E_ROLLOUT_LOCKED" }));
    writeFileSync(`${journalPath(dir, "r1")}.lock`, "999999999"); // no such process
    Journal.open(dir, "r1", false).close();
    expect(() => readJournal(dir, "nope")).toThrow(expect.objectContaining({ code: "E_ROLLOUT_UNKNOWN" }));
  });
});

describe("step 5 status without rollouts", () => {
  it("is not started and says how to start", async () => {
    const { rolloutStatus } = await import("@paved/rollout");
    const dir = mkdtempSync(join(tmpdir(), "paved-status-"));
    const report = await rolloutStatus({ dir });
    expect(report).toMatchObject({ step: 5, state: "not-started", drift: [] });
    expect(report.next[0]!.command).toContain("paved rollout apply");
  });
});
