import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";
import { ARTIFACTS, openPage } from "./_browser.ts";
import { writeJournals } from "./_journals.ts";
import { copyOrg, walkedOrg } from "./_org.ts";
import { stepCount, stepKey } from "@paved/platform";
import type { MigrationStatus } from "@paved/platform";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  requireTool("chromium");
});

async function report(platform: string, file: string): Promise<MigrationStatus> {
  const env = nixTestEnv();
  const run = await paved(["report", "--html", file, "--dir", platform], { env });
  expect(run.stderr).toBe("");
  expect(run.stdout).toContain(`Wrote ${file}`);
  const status = await paved(["status", "--json", "--dir", platform], { env });
  return JSON.parse(status.stdout) as MigrationStatus;
}

describe("paved report --html", () => {
  it("renders in headless Chromium with the numbers of `paved status --json`, and asks for nothing over the network", async () => {
    // The quick start's organisation: steps 1-4 under way, so every part of the page has something to show.
    const org = await walkedOrg(paved, await fixtureNixpkgs(), nixTestEnv());
    const platform = join(org, "platform");
    // Three rollouts (one clean, one rolled back, one cut off mid-write) and a hand-edited generated file.
    await writeJournals(platform);
    await writeFile(
      join(platform, ".envrc"),
      `${await readFile(join(platform, ".envrc"), "utf8")}export AWS_PROFILE=ops\n`,
    );
    const file = join(org, "acme-report.html");
    const status = await report(platform, file);
    const html = await readFile(file, "utf8");
    // Self-contained: no external URL at all (the SVG namespace is a name, not a request).
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(
      /https?:\/\/|src=|<link|@import|url\(/i,
    );

    // No path of this machine: the page is meant to be shared.
    for (const path of [org, platform, tmpdir(), homedir()]) expect(html).not.toContain(path);

    const opened = await openPage(file);
    try {
      const { page } = opened;
      expect(await page.title()).toBe("Acme — migration to Nix");
      const steps = await page.$$eval("svg.road g.step", (gs) =>
        gs.map((g) => ({
          step: Number(g.getAttribute("data-step")),
          state: g.getAttribute("data-state"),
          count: g.getAttribute("data-count"),
        })),
      );
      expect(steps).toEqual(status.steps.map((s) => ({ step: s.step, state: stepKey(s), count: stepCount(s) })));
      // A ring never says "in progress · N of N": a complete count and a state short of done contradict each other.
      for (const s of steps.filter((x) => x.state !== "done")) expect(s.count ?? "").not.toMatch(/^(\d+) of \1$/);
      // Step 1 counts exactly the rows of the repository table that have a CI state (the platform is not one).
      const ci = status.steps.find((s) => s.step === 1)!.evidence[0]!;
      const rows = await page.$$eval("tr[data-repo]", (trs) =>
        trs.map((tr) => tr.querySelectorAll("td")[2]!.textContent),
      );
      expect(ci.total).toBe(rows.filter((r) => r === "done" || r === "not started" || r === "in progress").length);
      expect(ci.done).toBe(rows.filter((r) => r === "done").length);
      const cards = Object.fromEntries(
        await page.$$eval("[data-card]", (cs) =>
          cs.map((c) => [c.getAttribute("data-card"), c.querySelector("b")!.textContent]),
        ),
      );
      const done = status.steps.filter((s) => s.available && s.state === "done").length;
      const attention = status.drift.length + status.problems.filter((p) => p.kind !== "step-unavailable").length;
      expect(attention).toBeGreaterThan(0);
      expect(cards).toEqual({
        steps: `${done} / 5`,
        repos: String(status.repos.length),
        hosts: `${status.hosts.filter((h) => h.deployed).length} / ${status.hosts.length}`,
        attention: String(attention),
      });
      expect(await page.$$eval("tr[data-repo]", (rows) => rows.map((r) => r.getAttribute("data-repo")))).toEqual(
        status.repos.map((r) => r.name),
      );
      expect(await page.$$eval("tr[data-host]", (rows) => rows.map((r) => r.getAttribute("data-host")))).toEqual(
        status.hosts.map((h) => h.name),
      );
      expect(await page.locator(".attention").innerText()).toContain(".envrc was edited by hand");
      // The history, newest first, with the failure and the rollback on it.
      expect(status.rollouts).toHaveLength(3);
      const timeline = await page.$$eval("[data-rollout]", (items) =>
        items.map((i) => [i.getAttribute("data-rollout"), i.getAttribute("data-outcome")]),
      );
      expect(timeline).toEqual([...status.rollouts].reverse().map((r) => [r.id, r.outcome]));
      expect(timeline.map(([, outcome]) => outcome)).toEqual(["running", "failed", "succeeded"]);
      const failedItem = page.locator("[data-outcome=failed]");
      expect(await failedItem.innerText()).toContain("staging-1: failed — health check sshd.service: inactive");
      expect(await failedItem.innerText()).toContain("rolled back");
      expect(await page.locator(".attention").innerText()).toMatch(
        /20261124T110000Z-e5f6\.jsonl:3: the last line is truncated/,
      );
      // Laid out, not collapsed: the road spans the page and every step box is visible.
      const road = await page.locator("svg.road").boundingBox();
      expect(road!.width).toBeGreaterThan(800);
      expect(await page.locator(".stepbox").count()).toBe(5);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
      await page.setViewportSize({ width: 420, height: 900 });
      await page.screenshot({ path: join(ARTIFACTS, "report-narrow.png"), fullPage: true });
      expect(opened.requests).toEqual([]);
      expect(opened.dialogs).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it("shows hostile repository, host and platform names as text: no element, script or request comes from them", async () => {
    const org = await copyOrg({ git: false });
    const platform = join(org, "platform");
    const evilRepo = `<img src=x onerror=alert(1)>`;
    await mkdir(join(org, evilRepo));
    const yaml = await readFile(join(platform, "paved.yaml"), "utf8");
    // An older paved.yaml is read leniently, so its names have not been through the schema: the page must still be safe.
    await writeFile(
      join(platform, "paved.yaml"),
      yaml
        .replace("version: 1\n", "")
        .replace("name: Acme", `name: "</title><script>alert(3)</script>"`)
        .replace("  - ../worker\n", `  - ../worker\n  - "../${evilRepo}"\n`)
        .replace(
          "hosts:\n",
          `hosts:\n  "<svg onload=alert(2)>":\n    role: staging\n  "x\\" onmouseover=\\"alert(4)":\n    role: internal\n`,
        ),
    );
    const file = join(org, "evil.html");
    const status = await report(platform, file);
    expect(status.repos.map((r) => r.name)).toContain(evilRepo);
    expect(status.hosts.map((h) => h.name)).toContain("<svg onload=alert(2)>");
    const opened = await openPage(file);
    try {
      const { page } = opened;
      expect(
        await page.$$eval("script, img, iframe, object, embed, link, meta[http-equiv=refresh]", (els) => els.length),
      ).toBe(0);
      expect(await page.$$eval("svg", (els) => els.length)).toBe(1);
      expect(await page.$$eval("[onerror], [onload], [onmouseover]", (els) => els.length)).toBe(0);
      expect(await page.title()).toBe("</title><script>alert(3)</script> — migration to Nix");
      const text = await page.locator("body").innerText();
      for (const name of [evilRepo, "<svg onload=alert(2)>", `x" onmouseover="alert(4)`]) expect(text).toContain(name);
      await page.hover(`tr[data-host='x" onmouseover="alert(4)']`);
      expect(opened.dialogs).toEqual([]);
      expect(opened.requests).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
