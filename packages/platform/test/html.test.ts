import { describe, expect, it } from "vitest";
import { html, raw, renderReportHtml, shareableStatus, type MigrationStatus } from "@paved/platform";

describe("html: escape by default", () => {
  it("escapes every interpolated value unless it is html`` itself or marked raw", () => {
    const name = `<img src=x onerror="alert(1)">&'`;
    const out = html`<b title="${name}">${name}</b>${html`<i>${name}</i>`}${raw("<hr>")}`.value;
    expect(out).toBe(
      `<b title="&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;">&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;</b><i>&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;</i><hr>`,
    );
  });

  it("joins arrays and renders nothing for null, undefined and false, but keeps 0", () => {
    expect(html`${["<a>", html`<b></b>`]}|${null}|${undefined}|${false}|${0}`.value).toBe("&#60;a&#62;<b></b>||||0");
  });
});

const STATUS: MigrationStatus = {
  format: 1,
  generatedAt: "2026-12-05T03:00:00.000Z",
  platform: { dir: "/home/ops/acme/platform", name: "Acme", configVersion: 1 },
  steps: [1, 2, 3, 4, 5].map((step) => ({
    step: step as 1,
    title: `step ${step}`,
    state: step === 4 ? ("in-progress" as const) : ("not-started" as const),
    available: true,
    evidence:
      step === 4
        ? [{ text: "Evaluated: 4 of 4 hosts run the baseline, logging and monitoring", done: 4, total: 4 }]
        : [],
    drift: step === 4 ? [{ kind: "not-in-evaluation", subject: "wiki-1", message: "m" }] : [],
    next: [],
    subjects: [],
  })),
  repos: [
    {
      name: "api",
      entry: "../api",
      path: "/home/ops/acme/api",
      readable: false,
      problem: "repos: ../api does not exist (looked for /home/ops/acme/api)",
      steps: {},
    },
  ],
  hosts: [],
  rollouts: [],
  drift: [
    {
      kind: "edited-file",
      subject: "Acme",
      message: "flake.nix in /home/ops/acme/platform was edited",
      fix: "paved sync --force --dir /home/ops/acme/platform",
    },
  ],
  problems: [
    {
      kind: "journal",
      subject: "x",
      message: "rollout journal /home/ops/acme/platform/.paved/rollouts/x.jsonl:3: torn",
    },
  ],
  next: [],
  attention: true,
};

describe("the report leaves this machine's paths out", () => {
  it("names the platform `.`, repositories by their repos: entry, and the home directory `~`", () => {
    const shared = shareableStatus(STATUS, "/home/ops");
    expect(JSON.stringify(shared)).not.toContain("/home/ops");
    expect(shared.repos[0]!.problem).toBe("repos: ../api does not exist (looked for ../api)");
    expect(shared.problems[0]!.message).toBe("rollout journal ./.paved/rollouts/x.jsonl:3: torn");
    expect(shared.drift[0]!.fix).toBe("paved sync --force --dir .");
  });

  it("renders no ring that is complete while its step is not done", () => {
    const page = renderReportHtml(STATUS);
    expect(page).toContain('data-step="4" data-state="in-progress" data-count="4 of 4, 1 open"');
    expect(page).not.toContain("/home/ops/acme");
  });
});
