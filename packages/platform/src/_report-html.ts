/**
 * `paved report --html FILE`: one self-contained page (inline CSS and SVG, no script, no external URL; a CSP that
 * forbids loading anything) for managers and the team. Built with the escape-by-default `html` template (every
 * value from repositories, hosts and journals is text unless it went through `html` itself); the numbers come from
 * the same MigrationStatus as `paved status --json`, with this machine's paths replaced by the names paved.yaml
 * gives them, so the page can be shared.
 */
import { homedir } from "node:os";
import { PavedError, writeAtomic } from "@paved/core";
import { html, raw, type SafeHtml } from "./_html.ts";
import { actionTitle } from "./_plan.ts";
import { COLORS, progressSvg, stepKey } from "./_report-svg.ts";
import { migrationStatus, type StatusOptions } from "./_status.ts";
import type { MigrationStatus, RolloutSummary, StepStatus } from "./_types.ts";

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#24292f;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:32px 24px 64px}
header h1{font-size:28px;margin:0 0 4px}
header p{margin:0;color:#57606a}
section{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:20px 24px;margin-top:20px}
h2{font-size:18px;margin:0 0 12px}
.road{width:100%;min-width:680px;height:auto;display:block}
.scroll{overflow-x:auto}
.road .num{font-size:20px;font-weight:700}
.road .title{font-size:14px;font-weight:600;fill:#24292f}
.road .state{font-size:13px;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-top:20px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:14px 18px}
.card b{display:block;font-size:28px;line-height:1.2}
.card span{color:#57606a;font-size:13px}
.card.warn b{color:${COLORS.fail}}
.steps{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.stepbox{border:1px solid #d0d7de;border-left:6px solid var(--c);border-radius:8px;padding:12px 16px}
.stepbox h3{margin:0 0 6px;font-size:15px}
.stepbox ul{margin:6px 0 0;padding-left:18px}
.stepbox li{margin:2px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;color:#fff;background:var(--c);white-space:nowrap}
.muted{color:#57606a}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#57606a}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:1px 5px;border-radius:4px;word-break:break-all}
.timeline{list-style:none;margin:0;padding:0 0 0 22px;border-left:3px solid #d0d7de}
.timeline>li{position:relative;margin:0 0 18px;padding-left:14px}
.timeline>li::before{content:"";position:absolute;left:-32px;top:4px;width:14px;height:14px;border-radius:50%;background:var(--c);border:3px solid #fff;box-shadow:0 0 0 1px #d0d7de}
.waves{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.wave{border:1px solid var(--c);border-radius:6px;padding:2px 8px;font-size:13px;background:#fff}
.wave b{color:var(--c)}
.fail{color:${COLORS.fail}}
.attention li{margin:4px 0}
footer{margin-top:24px;color:#57606a;font-size:13px;text-align:center}
@media (max-width:760px){.cards{grid-template-columns:1fr 1fr}.steps{grid-template-columns:1fr}}
@media print{body{background:#fff}section{break-inside:avoid}}
`;

const OUTCOME_COLOR: Record<string, string> = {
  succeeded: COLORS.done,
  failed: COLORS.fail,
  "rolled-back": COLORS.fail,
  paused: COLORS["in-progress"],
  running: COLORS.unknown,
};
const WAVE_COLOR: Record<string, string> = {
  done: COLORS.done,
  "rolled-back": COLORS.fail,
  paused: COLORS["in-progress"],
  running: COLORS["in-progress"],
  pending: COLORS["not-started"],
};
const STATE_LABEL = {
  done: "done",
  "in-progress": "in progress",
  "not-started": "not started",
  unknown: "unknown",
} as const;

/** Text in which `command` spans become <code>: each piece is escaped on its own, so no markup comes from the text. */
function rich(text: string): SafeHtml {
  return html`${text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

function badge(key: keyof typeof STATE_LABEL): SafeHtml {
  return html`<span class="badge" style="--c:${COLORS[key]}">${STATE_LABEL[key]}</span>`;
}

function stepBox(step: StepStatus): SafeHtml {
  const key = stepKey(step);
  const subjects = step.subjects.length
    ? html`<ul>${step.subjects.map((s) => html`<li>${s.name} — ${badge(s.state === "unknown" ? "unknown" : s.state)}${s.detail ? html` <span class="muted">${s.detail}</span>` : ""}</li>`)}</ul>`
    : "";
  return html`<div class="stepbox" style="--c:${COLORS[key]}" data-step="${step.step}"><h3>${step.step}. ${step.title} ${badge(key)}</h3><ul>${step.evidence.map((e) => html`<li>${rich(e.text)}</li>`)}</ul>${subjects}</div>`;
}

function rolloutItem(r: RolloutSummary): SafeHtml {
  const color = OUTCOME_COLOR[r.outcome] ?? COLORS.unknown;
  const waves = r.waves.map(
    (w) =>
      html`<span class="wave" style="--c:${WAVE_COLOR[w.state] ?? COLORS.unknown}"><b>${w.name}</b> ${w.hosts.length} host${w.hosts.length === 1 ? "" : "s"} · ${w.state}${w.failed ? html` · <span class="fail">${w.failed} failed</span>` : ""}</span>`,
  );
  // Failures and rollbacks are the story; hosts not reached yet are summed up, not listed.
  const failed = r.hosts.filter((h) => !["deployed", "unchanged", "skipped", "pending"].includes(h.outcome));
  const waiting = r.hosts.filter((h) => h.outcome === "skipped" || h.outcome === "pending");
  const failures = html`${failed.map((h) => html`<div class="fail">${h.host}: ${h.outcome}${h.message ? ` — ${h.message}` : ""}</div>`)}${
    waiting.length
      ? html`<div class="muted">${waiting.length} host${waiting.length === 1 ? "" : "s"} not reached (${[...new Set(waiting.map((h) => h.outcome))].join(", ")})</div>`
      : ""
  }`;
  const when = r.startedAt.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
  return html`<li style="--c:${color}" data-rollout="${r.id}" data-outcome="${r.outcome}"><b>${when}</b> <span class="badge" style="--c:${color}">${r.outcome}</span>${r.rolledBack ? html` <span class="badge" style="--c:${COLORS.fail}">rolled back</span>` : ""}${r.resumes ? html` <span class="muted">resumed ${r.resumes}×</span>` : ""}<br><code>${r.id}</code>${r.message ? html` <span class="muted">${r.message}</span>` : ""}<div class="waves">${waves}</div>${failures}</li>`;
}

/**
 * The status as it may leave this machine: every absolute path of the platform, its repositories and the home
 * directory replaced by what paved.yaml calls them (`.`, the `repos:` entry, `~`). Longest paths first, so a
 * repository inside the platform directory keeps its own name.
 */
export function shareableStatus(status: MigrationStatus, home: string = homedir()): MigrationStatus {
  const all: [string, string][] = [
    ...status.repos.map((r): [string, string] => [r.path, r.entry]),
    [status.platform.dir, "."],
    [home, "~"],
  ];
  const pairs = all.filter(([from]) => from.length > 1).sort((a, b) => b[0].length - a[0].length);
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return pairs.reduce((text, [from, to]) => text.split(from).join(to), value);
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };
  return scrub(status) as MigrationStatus;
}

export function renderReportHtml(input: MigrationStatus): string {
  const status = shareableStatus(input);
  const problems = status.problems.filter((p) => p.kind !== "step-unavailable");
  const deployed = status.hosts.filter((h) => h.deployed).length;
  const started = status.steps.filter((s) => s.available && s.state !== "not-started").length;
  const cards = [
    [
      "steps",
      `${status.steps.filter((s) => s.available && s.state === "done").length} / 5`,
      `steps done (${started} started)`,
    ],
    [
      "repos",
      String(status.repos.length),
      `application repositor${status.repos.length === 1 ? "y" : "ies"} listed (the platform repository not counted)`,
    ],
    ["hosts", `${deployed} / ${status.hosts.length}`, "hosts deployed by a rollout"],
    ["attention", String(status.drift.length + problems.length), "items need a person"],
  ].map(
    ([id, value, label]) =>
      html`<div class="card${id === "attention" && value !== "0" ? " warn" : ""}" data-card="${id}"><b>${value}</b><span>${label}</span></div>`,
  );
  const repoRows = status.repos.map(
    (r) =>
      html`<tr data-repo="${r.name}"><td>${r.name}</td><td><code>${r.entry}</code></td>${([1, 2] as const).map((n) => html`<td>${r.steps[n] ? badge(r.steps[n]!) : r.readable ? badge("unknown") : ""}</td>`)}<td class="fail">${r.problem ?? ""}</td></tr>`,
  );
  const hostRows = status.hosts.map(
    (h) =>
      html`<tr data-host="${h.name}"><td>${h.name}</td><td>${h.role}</td><td>${h.system}</td><td>${h.deployed ? html`<span class="badge" style="--c:${COLORS.done}">yes</span>` : html`<span class="badge" style="--c:${COLORS["not-started"]}">not yet</span>`}</td><td>${h.lastRollout ? html`${h.lastRollout.outcome} <code>${h.lastRollout.id}</code>` : html`<span class="muted">never</span>`}</td></tr>`,
  );
  const attention = [
    ...problems.map(
      (p) =>
        html`<li class="fail">${rich(p.message)}${p.fix ? html` <span class="muted">— ${rich(p.fix)}</span>` : ""}</li>`,
    ),
    ...status.drift.map(
      (d) =>
        html`<li><b>${d.subject}</b>: ${rich(d.message)}${d.fix ? html` <span class="muted">— ${rich(d.fix)}</span>` : ""}</li>`,
    ),
  ];
  const next = status.next.map(
    (a) => html`<li>Step ${a.step}: ${actionTitle(a)}${a.command ? html` — <code>${a.command}</code>` : ""}</li>`,
  );
  const rollouts = [...status.rollouts].reverse();
  const generated = status.generatedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${status.platform.name} — migration to Nix</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
<header><h1>${status.platform.name}: migration to Nix</h1><p>Five steps, from CI on Nix to image-based rollouts. Generated by <code>paved report</code> on ${generated}.</p></header>
${status.ejected ? html`<section data-ejected><h2>Ejected</h2><p>This repository was ejected from paved on ${status.ejected.at.slice(0, 10)}: its ${status.ejected.files.length} generated files are the team's own, and paved no longer judges its steps.</p></section>` : ""}
<section aria-label="Progress"><h2>Progress on the path</h2><div class="scroll">${progressSvg(status.steps)}</div></section>
<div class="cards">${cards}</div>
<section><h2>Steps and the evidence behind them</h2><div class="steps">${status.steps.map(stepBox)}</div></section>
${attention.length ? html`<section class="attention"><h2>Needs a person</h2><ul>${attention}</ul></section>` : ""}
<section><h2>Next actions</h2>${next.length ? html`<ol>${next}</ol>` : html`<p class="muted">Nothing left to do on the path.</p>`}</section>
<section><h2>Repositories</h2>${repoRows.length ? html`<div class="scroll"><table><thead><tr><th>repository</th><th>path</th><th>step 1 · CI</th><th>step 2 · shells</th><th>problem</th></tr></thead><tbody>${repoRows}</tbody></table></div>` : html`<p class="muted">No repositories listed under <code>repos:</code> in paved.yaml.</p>`}</section>
<section><h2>Hosts</h2>${hostRows.length ? html`<div class="scroll"><table><thead><tr><th>host</th><th>role</th><th>system</th><th>deployed</th><th>last rollout</th></tr></thead><tbody>${hostRows}</tbody></table></div>` : html`<p class="muted">No hosts declared yet.</p>`}</section>
<section><h2>Rollout history</h2>${rollouts.length ? html`<ol class="timeline">${rollouts.map(rolloutItem)}</ol>` : html`<p class="muted">No rollouts yet.</p>`}</section>
<footer>paved · ${status.platform.name} · ${generated}</footer>
</main>
</body>
</html>
`;
  return page.value;
}

export async function writeReport(
  options: StatusOptions & { file: string },
): Promise<{ file: string; status: MigrationStatus; bytes: number }> {
  const status = await migrationStatus(options);
  const html = renderReportHtml(status);
  try {
    await writeAtomic(options.file, html);
  } catch (error) {
    throw new PavedError(
      "E_FILE_WRITE",
      `cannot write ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: "Check the path and the directory's permissions.",
        details: { file: options.file },
        cause: error,
      },
    );
  }
  return { file: options.file, status, bytes: Buffer.byteLength(html) };
}
