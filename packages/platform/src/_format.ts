/** Plain-text rendering of `paved status` for a terminal. */
import { actionLine } from "./_plan.ts";
import type { MigrationStatus, StepStatus } from "./_types.ts";

type Paint = {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
};

export function stateMark(status: StepStatus, c: Paint): string {
  if (!status.available) return c.dim("? unknown    ");
  if (status.state === "done") return c.green("✓ done       ");
  if (status.state === "in-progress") return c.yellow("◐ in progress");
  return c.dim("· not started");
}

export function formatStatus(status: MigrationStatus, c: Paint, verbose = false): string {
  if (status.ejected) {
    const n = status.ejected.files.length;
    return [
      c.bold(`${status.platform.name}: ejected from paved on ${status.ejected.at.slice(0, 10)}`),
      "",
      `${n} file${n === 1 ? " is" : "s are"} the team's own now; paved does not track, judge or rewrite them.`,
      "paved.yaml stays as a record. To bring paved back, delete .paved/ejected and run `paved sync --force`.",
    ].join("\n");
  }
  const lines = [c.bold(`${status.platform.name}: the five-step path`), ""];
  for (const step of status.steps) {
    lines.push(`${stateMark(step, c)}  ${step.step}. ${step.title}`);
    for (const line of step.evidence) lines.push(`      ${line.text}`);
    if (verbose)
      for (const s of step.subjects) lines.push(`        ${s.name}: ${s.state}${s.detail ? ` — ${s.detail}` : ""}`);
  }
  if (status.hosts.length) {
    const deployed = status.hosts.filter((h) => h.deployed).length;
    lines.push("", `Hosts: ${status.hosts.length} declared, ${deployed} deployed by a rollout`);
  }
  if (status.drift.length) {
    lines.push("", c.yellow(`Needs a person (${status.drift.length}):`));
    for (const d of status.drift) lines.push(`  ! ${d.subject}: ${d.message}${d.fix ? `\n      fix: ${d.fix}` : ""}`);
  }
  const problems = status.problems.filter((p) => p.kind !== "step-unavailable");
  if (problems.length) {
    lines.push("", c.red(`Could not read everything (${problems.length}):`));
    for (const p of problems) lines.push(`  ✗ ${p.message}${p.fix ? `\n      fix: ${p.fix}` : ""}`);
  }
  const unknown = status.steps.filter((s) => !s.available);
  if (unknown.length)
    lines.push("", c.dim(`Unknown steps: ${unknown.map((s) => s.step).join(", ")} (why: next to each step above).`));
  lines.push(
    "",
    status.next.length
      ? `Next: step ${status.next[0]!.step}: ${actionLine(status.next[0]!)}  (all: paved plan)`
      : "Nothing left to do on the path.",
  );
  return lines.join("\n");
}
