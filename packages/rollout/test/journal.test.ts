import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { foldJournal, Journal, journalPath, readJournal, readJournalFile } from "@paved/rollout";
import { EMPTY_HEADER } from "./_helpers.ts";

const header = EMPTY_HEADER;
const resume = (pid: number) => ({ type: "resume" as const, at: "2026-01-01T00:00:02Z", pid });

function started(): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-journal-"));
  const journal = Journal.open(dir, "r1", true);
  journal.append(header);
  journal.append(resume(1));
  journal.close();
  return dir;
}

describe("journal: torn tails", () => {
  it("every reader treats the bytes after the last newline as a torn tail, and only those", () => {
    const dir = started();
    const complete = statSync(journalPath(dir, "r1")).size;
    appendFileSync(journalPath(dir, "r1"), '{"type":"step","host":"a","at":"2026');
    expect(readJournalFile(dir, "r1")).toMatchObject({
      records: [{ type: "rollout" }, { type: "resume" }],
      torn: { line: 3, offset: complete, bytes: 36 },
    });
    // A fragment that happens to be valid JSON is still torn: its newline never reached the disk.
    writeFileSync(journalPath(dir, "r1"), `${JSON.stringify(header)}\n${JSON.stringify(resume(2))}`);
    expect(readJournalFile(dir, "r1").records.map((r) => r.type)).toEqual(["rollout"]);
    // A complete line that is not JSON is corruption, wherever it is, the last line included.
    writeFileSync(journalPath(dir, "r1"), `${JSON.stringify(header)}\nnot json\n`);
    expect(() => readJournal(dir, "r1")).toThrow(
      expect.objectContaining({ code: "E_ROLLOUT_JOURNAL", message: expect.stringContaining("r1.jsonl:2:") }),
    );
  });

  it("cuts a torn tail before appending, journals the repair, and stays readable afterwards", () => {
    const dir = started();
    const path = journalPath(dir, "r1");
    const complete = readFileSync(path, "utf8");
    appendFileSync(path, '{"type":"step","host":"a","at":"20');
    const journal = Journal.open(dir, "r1", false);
    journal.append(resume(3));
    journal.close();
    const text = readFileSync(path, "utf8");
    expect(text.startsWith(complete)).toBe(true);
    expect(text).not.toContain('"at":"20{');
    const records = readJournal(dir, "r1");
    expect(records.map((r) => r.type)).toEqual(["rollout", "resume", "repair", "resume"]);
    expect(records[2]).toMatchObject({ type: "repair", line: 3, offset: Buffer.byteLength(complete), bytes: 34 });
    expect(readJournalFile(dir, "r1").torn).toBeUndefined();
    expect(foldJournal(records).resumes).toBe(2);
  });

  it("a process killed mid-append leaves a tail the next process cuts off (a real torn write from another process)", () => {
    const dir = started();
    const path = journalPath(dir, "r1");
    // A child writes half a record and dies, as paved does when the disk fills or it is killed between writes.
    const r = spawnSync(process.execPath, [
      "-e",
      `const fs=require("fs");const fd=fs.openSync(${JSON.stringify(path)},"a");fs.writeSync(fd,'{"type":"host","host":"a","outcome":"depl');process.kill(process.pid,"SIGKILL")`,
    ]);
    expect(r.signal).toBe("SIGKILL");
    expect(readFileSync(path, "utf8").endsWith("depl")).toBe(true);
    const journal = Journal.open(dir, "r1", false);
    journal.append(resume(4));
    journal.close();
    expect(readJournal(dir, "r1").map((r) => r.type)).toEqual(["rollout", "resume", "repair", "resume"]);
    expect(readFileSync(path, "utf8").endsWith("\n")).toBe(true);
  });

  it("an append that fails leaves no fragment behind and breaks the journal for good", () => {
    const dir = started();
    const journal = Journal.open(dir, "r1", false);
    // Someone else takes the lock mid-run: the append refuses before writing anything.
    writeFileSync(`${journalPath(dir, "r1")}.lock`, "1 elsewhere\n");
    expect(() => journal.append(resume(5))).toThrow(expect.objectContaining({ code: "E_ROLLOUT_LOCK_LOST" }));
    expect(() => journal.append(resume(6))).toThrow(expect.objectContaining({ code: "E_ROLLOUT_LOCK_LOST" }));
    journal.close();
    // close() left the other process's lock alone
    expect(readFileSync(`${journalPath(dir, "r1")}.lock`, "utf8")).toBe("1 elsewhere\n");
    expect(readJournalFile(dir, "r1")).toMatchObject({ torn: undefined });
    expect(readJournal(dir, "r1").map((r) => r.type)).toEqual(["rollout", "resume"]);
  });

  it("a lock held by a process on another machine is respected even when that pid is free here", () => {
    const dir = started();
    writeFileSync(`${journalPath(dir, "r1")}.lock`, "999999999 some-other-machine\n");
    expect(() => Journal.open(dir, "r1", false)).toThrow(
      expect.objectContaining({ code: "E_ROLLOUT_LOCKED", message: expect.stringContaining("on some-other-machine") }),
    );
    execFileSync("rm", [`${journalPath(dir, "r1")}.lock`]);
    Journal.open(dir, "r1", false).close();
  });
});
