/**
 * `paved plan`: the next actions in path order, and MIGRATION.md, the page the team commits to track the
 * migration. MIGRATION.md is a managed file with no dates in it, so re-running the plan on an unchanged
 * organisation leaves it byte-identical, and a copy someone edited is kept unless --force.
 */
import { commitChange, type FileStatus, type GeneratedFile } from "@paved/core";
import { migrationStatus, type StatusOptions } from "./_status.ts";
import type { MigrationStatus, PlanAction, StepStatus } from "./_types.ts";

export const MIGRATION_FILE = "MIGRATION.md";

export interface PlanOptions extends StatusOptions {
  /** Write MIGRATION.md (default true). */
  write?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export interface PlanResult {
  status: MigrationStatus;
  actions: PlanAction[];
  file: { path: string; status: FileStatus | "not-written"; written: boolean; reason?: string; diff?: string };
}

const STATE_WORDS = { done: "done", "in-progress": "in progress", "not-started": "not started" } as const;

export function stateWord(step: StepStatus): string {
  return step.available ? STATE_WORDS[step.state] : "unknown";
}

/** Markdown text that cannot break the table or the list it sits in. */
function md(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/([|*_[\]<>#`])/g, "\\$1")
    .replace(/\s*\n\s*/g, " ");
}

function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence === "``" ? " " : ""}${text.replace(/\n/g, " ")}${fence === "``" ? " " : ""}${fence}`;
}

/** "web has no dev shell → `paved init --dir ../web`"; the subject is prefixed when the title does not name it. */
export function actionTitle(action: PlanAction): string {
  return action.subject && !action.title.includes(action.subject) ? `${action.subject}: ${action.title}` : action.title;
}

export function actionLine(action: PlanAction): string {
  return `${actionTitle(action)}${action.command ? ` → \`${action.command}\`` : ""}`;
}

export function renderMigrationMd(status: MigrationStatus): string {
  const lines = [
    `# Migrating ${md(status.platform.name)} to Nix, step by step`,
    "",
    "Written by `paved plan` from paved.yaml and the repositories it lists. Commit it, and run `paved plan` again",
    "after each change: finished items move to *Done*. The path is in [docs/README.md](https://github.com/paved-dev/paved/blob/main/docs/README.md).",
    "",
    "| step | state | evidence |",
    "| --- | --- | --- |",
  ];
  for (const step of status.steps) {
    lines.push(`| ${step.step}. ${md(step.title)} | ${stateWord(step)} | ${md(step.evidence[0]?.text ?? "")} |`);
  }
  const problems = status.problems.filter((p) => p.kind !== "step-unavailable");
  if (problems.length || status.drift.length) {
    lines.push("", "## Needs a person first", "");
    for (const p of problems) lines.push(`- [ ] ${md(p.message)}${p.fix ? ` — ${md(p.fix)}` : ""}`);
    for (const d of status.drift)
      lines.push(`- [ ] ${md(d.subject)}: ${md(d.message)}${d.fix ? ` — ${md(d.fix)}` : ""}`);
  }
  lines.push("", "## Next actions, in path order");
  for (const step of status.steps) {
    const actions = status.next.filter((a) => a.step === step.step);
    if (actions.length === 0) continue;
    lines.push("", `### Step ${step.step}: ${md(step.title)}`, "");
    for (const a of actions)
      lines.push(
        `- [ ] ${md(actionTitle(a))}${a.command ? ` — ${code(a.command)}` : ""}${a.derived ? " *(quick check: this step's own status is not in this build)*" : ""}`,
      );
  }
  if (status.next.length === 0) lines.push("", "Nothing left: every step is done.");
  const done = status.steps.filter((s) => s.available && s.state === "done");
  if (done.length) {
    lines.push("", "## Done", "");
    for (const s of done) lines.push(`- [x] Step ${s.step}: ${md(s.title)} — ${md(s.evidence[0]?.text ?? "")}`);
  }
  const unknown = status.steps.filter((s) => !s.available);
  if (unknown.length) {
    lines.push("", "## Not known yet", "");
    for (const s of unknown) lines.push(`- Step ${s.step}: ${md(s.reason ?? "unknown")}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function migrationPlan(options: PlanOptions): Promise<PlanResult> {
  const status = await migrationStatus(options);
  const actions = status.next;
  const file: GeneratedFile = { path: MIGRATION_FILE, content: renderMigrationMd(status), source: "paved.yaml" };
  const blocking = status.problems.filter((p) => p.kind !== "step-unavailable" && p.kind !== "step-error");
  // An ejected repository's files are the team's; with input problems the committed tracker is not replaced by a
  // view of half the organisation (the plan is still printed).
  const notWritten = status.ejected
    ? "not written: the repository was ejected from paved"
    : options.write === false
      ? "not written (--no-write)"
      : blocking.length > 0
        ? `not written: ${blocking.length} input problem${blocking.length === 1 ? "" : "s"} to fix first`
        : undefined;
  if (notWritten !== undefined) {
    return {
      status,
      actions,
      file: { path: MIGRATION_FILE, status: "not-written", written: false, reason: notWritten },
    };
  }
  const result = await commitChange(
    options.dir,
    { files: [file] },
    { dryRun: options.dryRun === true, force: options.force === true },
  );
  const change = result.changes[0]!;
  return {
    status,
    actions,
    file: {
      path: MIGRATION_FILE,
      status: change.status,
      written: result.written.includes(MIGRATION_FILE),
      ...(options.dryRun ? { diff: change.diff } : {}),
    },
  };
}
