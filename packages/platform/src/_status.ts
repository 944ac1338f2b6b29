/**
 * `paved status`: one StepStatus per step of the path, folded from the step packages' own reports over the
 * platform repository and every application repository it lists, plus drift a person must look at. Reads only;
 * bad input (a missing repository, a torn journal, an old paved.yaml) becomes a Problem and the rest goes on.
 */
import { basename } from "node:path";
import {
  isPavedError,
  type DriftItem,
  type NextAction,
  type StepNumber,
  type StepReport,
  type StepState,
} from "@paved/core";
import { derivedActions } from "./_derived.ts";
import { readEjected, type EjectedMark } from "./_ejected.ts";
import { managedFiles } from "./_scan.ts";
import { sources as builtIn, type StatusSources } from "./_sources.ts";
import {
  STATUS_FORMAT,
  STEP_TITLES,
  type HostEntry,
  type MigrationStatus,
  type PlanAction,
  type Problem,
  type RepoEntry,
  type StepStatus,
} from "./_types.ts";
import { loadWorkspace, type Workspace } from "./_workspace.ts";

export interface StatusOptions {
  dir: string;
  sources?: StatusSources;
  now?: Date;
  /** Extra flake arguments for the hosts' evaluation (steps 3-4), e.g. --override-input nixpkgs path:…. */
  nixArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function unknownStep(step: StepNumber, reason: string): StepStatus {
  return {
    step,
    title: STEP_TITLES[step],
    state: "not-started",
    available: false,
    reason,
    evidence: [{ text: `unknown: ${reason}` }],
    drift: [],
    next: [],
    subjects: [],
  };
}

function message(error: unknown): string {
  return isPavedError(error) ? error.message.split("\n")[0]! : error instanceof Error ? error.message : String(error);
}

/** Commands in a repository's report name its absolute path; people and MIGRATION.md want the paved.yaml entry. */
function relativise(action: NextAction, repo: RepoEntry): PlanAction {
  const out: PlanAction = { ...action, subject: repo.name };
  if (action.command) out.command = action.command.split(repo.path).join(repo.entry);
  return out;
}

const REPO_LINE: Partial<Record<StepNumber, (n: number, total: number) => string>> = {
  1: (n, total) => `CI: ${n} of ${plural(total, "repository", "repositories")} run${n === 1 ? "s" : ""} on Nix`,
  2: (n, total) => `Dev shells: ${n} of ${plural(total, "repository", "repositories")} ${n === 1 ? "has" : "have"} one`,
};

async function repoStep(
  ws: Workspace,
  source: StatusSources["repo"][number],
  problems: Problem[],
): Promise<StepStatus> {
  const { step } = source;
  if (!source.run) return unknownStep(step, source.missing ?? "no status function");
  const status: StepStatus = {
    step,
    title: STEP_TITLES[step],
    state: "not-started",
    available: true,
    evidence: [],
    drift: [],
    next: [],
    subjects: [],
  };
  const readable = ws.repos.filter((r) => r.readable);
  const started: string[] = [];
  const states: (StepState | "unknown")[] = [];
  for (const repo of readable) {
    let report: StepReport;
    try {
      report = await source.run({ dir: repo.path, subject: repo.name });
    } catch (error) {
      problems.push({
        kind: "step-error",
        subject: repo.name,
        message: `step ${step}: ${message(error)}`,
        fix: isPavedError(error) ? error.hint : "Run with --verbose and report it.",
      });
      status.subjects.push({ name: repo.name, state: "unknown", detail: message(error) });
      states.push("unknown");
      continue;
    }
    repo.steps[step] = report.state;
    states.push(report.state);
    if (report.state !== "not-started") started.push(repo.name);
    const detail = report.evidence.map((e) => e.text).join("; ");
    status.subjects.push({ name: repo.name, state: report.state, ...(detail ? { detail } : {}) });
    status.drift.push(...report.drift.map((d) => ({ ...d, subject: d.subject === repo.path ? repo.name : d.subject })));
    status.next.push(...report.next.map((a) => relativise(a, repo)));
  }
  const total = ws.repos.length;
  const line = REPO_LINE[step]?.(started.length, total) ?? `${started.length} of ${total}`;
  status.evidence.unshift({
    text:
      total === 0
        ? `${line} (no repos: listed in paved.yaml)`
        : `${line}${started.length ? ` — ${started.join(", ")}` : ""}`,
    done: started.length,
    total,
    items: started,
  });
  if (readable.length > 0 && states.every((s) => s === "done") && readable.length === total) status.state = "done";
  else if (states.some((s) => s === "done" || s === "in-progress")) status.state = "in-progress";
  return status;
}

const PLATFORM_ONLY: StepNumber[] = [3, 4, 5];

async function platformSteps(
  ws: Workspace,
  source: StatusSources["platform"][number],
  problems: Problem[],
  options: StatusOptions,
): Promise<StepStatus[]> {
  if (ws.application && source.steps.every((s) => PLATFORM_ONLY.includes(s))) {
    return source.steps.map((s) =>
      unknownStep(
        s,
        "this step lives in the platform repository; run `paved status` there (it lists this repository under repos:)",
      ),
    );
  }
  if (!source.run) return source.steps.map((s) => unknownStep(s, source.missing ?? "no status function"));
  let reports: StepReport[];
  try {
    // The step packages read paved.yaml with this version's schema; the problem with it is reported once, above.
    if (!ws.config)
      return await Promise.all(
        source.steps.map((s) =>
          withSubjects(
            ws,
            source,
            unknownStep(s, "this step needs a paved.yaml this paved can read (see the problem with it)"),
          ),
        ),
      );
    reports = await source.run({
      dir: ws.dir,
      ...(options.nixArgs ? { nixArgs: options.nixArgs } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  } catch (error) {
    const reason = `the step's status could not be read: ${message(error)}`;
    problems.push({
      kind: "step-error",
      subject: ws.name,
      message: `step ${source.steps.join(" and ")}: ${message(error)}`,
      ...(isPavedError(error) && error.hint ? { fix: error.hint } : {}),
    });
    return source.steps.map((s) => unknownStep(s, reason));
  }
  const out: StepStatus[] = [];
  for (const step of source.steps) {
    const report = reports.find((r) => r.step === step);
    if (!report) {
      out.push(unknownStep(step, `the step's package returned no report for step ${step}`));
      continue;
    }
    out.push(
      await withSubjects(ws, source, {
        ...report,
        title: report.title || STEP_TITLES[step],
        available: true,
        subjects: [],
      }),
    );
  }
  return out;
}

/** Each repository's own state for a platform-read step, when its package can tell. */
async function withSubjects(
  ws: Workspace,
  source: StatusSources["platform"][number],
  status: StepStatus,
): Promise<StepStatus> {
  for (const repo of source.perRepo ? ws.repos.filter((r) => r.readable) : []) {
    const state = await source.perRepo!(repo.path).catch(() => "unknown" as const);
    if (state !== "unknown") repo.steps[status.step] = state;
    status.subjects.push({ name: repo.name, state });
  }
  return status;
}

/** Step packages name repositories by path or directory; people read the names paved.yaml gives them. */
function canonicalise(ws: Workspace, status: StepStatus): void {
  const roots = [{ name: ws.name, entry: ".", path: ws.dir }, ...ws.repos];
  const nameOf = (subject: string) =>
    roots.find((r) => subject === r.path || subject === r.entry || subject === basename(r.path))?.name ?? subject;
  const missing = new Set(ws.repos.filter((r) => !r.readable).flatMap((r) => [r.path, r.name, r.entry]));
  // Unreadable repositories are reported once, as problems, not again as each step's drift.
  status.drift = status.drift
    .filter((d) => !(d.kind === "missing-repo" && missing.has(d.subject)))
    // A platform-level package may name the file as the subject; the repository is the platform then.
    .map((d) => {
      const isFile =
        /[./]/.test(d.subject) &&
        d.message.startsWith(`${d.subject} `) &&
        !roots.some((r) => r.name === d.subject || r.path === d.subject);
      // Any generated file is brought back in line by `paved sync`, whichever step renders it.
      const fix = d.kind === "never-rendered" ? "Run `paved sync` to render it." : d.fix;
      return { ...d, subject: isFile ? ws.name : nameOf(d.subject), ...(fix ? { fix } : {}) };
    });
  status.next = status.next.map((action) => {
    let command = action.command;
    let subject = (action as PlanAction).subject;
    for (const repo of ws.repos) {
      if (command?.includes(repo.path)) {
        command = command.split(repo.path).join(repo.entry);
        subject ??= repo.name;
      }
    }
    // Commands for the platform repository itself run where `paved status` ran.
    if (command) command = command.split(` --dir ${ws.dir}`).join("").split(ws.dir).join(".");
    return { ...action, ...(command === undefined ? {} : { command }), ...(subject ? { subject } : {}) };
  });
}

function sameDrift(a: DriftItem, b: DriftItem): boolean {
  return (
    a.kind === b.kind &&
    a.subject === b.subject &&
    (a.message === b.message || a.message.split(" ")[0] === b.message.split(" ")[0])
  );
}

async function editedFiles(ws: Workspace): Promise<DriftItem[]> {
  const roots = [{ name: ws.name, path: ws.dir }, ...ws.repos.filter((r) => r.readable)];
  const drift: DriftItem[] = [];
  for (const root of roots) {
    for (const file of await managedFiles(root.path)) {
      if (file.intact) continue;
      drift.push({
        kind: "edited-file",
        subject: root.name,
        message: `${file.path} was edited by hand (its paved header no longer matches)`,
        fix: `Move the change into paved.yaml and run \`paved sync --force\` there, or \`paved eject\` to own the file.`,
      });
    }
  }
  return drift;
}

/** An ejected repository: nothing is tracked, so nothing is drift, and every step says why it is not judged. */
function ejectedStatus(ws: Workspace, mark: EjectedMark, now: Date): MigrationStatus {
  const reason = `ejected from paved on ${mark.at.slice(0, 10)}: the team owns the files and paved no longer judges this step`;
  return {
    format: STATUS_FORMAT,
    generatedAt: now.toISOString(),
    platform: { dir: ws.dir, name: ws.name, configVersion: ws.configVersion },
    steps: ([1, 2, 3, 4, 5] as StepNumber[]).map((n) => unknownStep(n, reason)),
    repos: ws.repos,
    hosts: ws.hosts.map((h) => ({ ...h, deployed: false })),
    rollouts: [],
    drift: [],
    problems: [],
    next: [],
    attention: false,
    ejected: mark,
  };
}

export async function migrationStatus(options: StatusOptions): Promise<MigrationStatus> {
  const src = options.sources ?? builtIn;
  const ws = await loadWorkspace(options.dir);
  const mark = await readEjected(options.dir);
  if (mark) return ejectedStatus(ws, mark, options.now ?? new Date());
  const problems = [...ws.problems];
  const steps = new Map<StepNumber, StepStatus>();
  for (const source of src.repo) steps.set(source.step, await repoStep(ws, source, problems));
  for (const source of src.platform)
    for (const status of await platformSteps(ws, source, problems, options)) steps.set(status.step, status);
  for (const status of steps.values()) canonicalise(ws, status);

  const journal = src.journals
    ? await src
        .journals(ws.dir)
        .catch((error: unknown) => ({ rollouts: [], problems: [{ subject: "journal", message: message(error) }] }))
    : undefined;
  for (const p of journal?.problems ?? []) problems.push({ kind: "journal", ...p });
  const rollouts = journal?.rollouts ?? [];
  const hosts: HostEntry[] = ws.hosts.map((h) => {
    // The last rollout that decided something for the host; one that stopped before reaching it says less.
    const events = rollouts.flatMap((r) =>
      r.hosts.filter((e) => e.host === h.name).map((e) => ({ id: r.id, outcome: e.outcome })),
    );
    const last = events.filter((e) => e.outcome !== "pending" && e.outcome !== "skipped").at(-1) ?? events.at(-1);
    const deployed = events.some((e) => e.outcome === "deployed" || e.outcome === "unchanged");
    return { ...h, deployed, ...(last ? { lastRollout: last } : {}) };
  });

  const drift: DriftItem[] = [];
  const add = (item: DriftItem) => {
    if (!drift.some((d) => sameDrift(d, item))) drift.push(item);
  };
  for (const status of steps.values()) status.drift.forEach(add);
  (await editedFiles(ws)).forEach(add);
  // Without any journal the team does not deploy with paved yet: that is step 5 not started, not drift.
  if (rollouts.length > 0) {
    for (const host of hosts.filter((h) => !h.deployed)) {
      add({
        kind: "never-deployed",
        subject: host.name,
        message: `${host.name} is declared in paved.yaml but no rollout has deployed it`,
        fix: `paved rollout apply --host ${host.name}`,
      });
    }
  }
  for (const status of steps.values()) {
    if (status.available) continue;
    problems.push({
      kind: "step-unavailable",
      subject: `step ${status.step}`,
      message: `step ${status.step} (${status.title}): ${status.reason}`,
    });
  }

  const ordered = ([1, 2, 3, 4, 5] as StepNumber[]).map(
    (n) => steps.get(n) ?? unknownStep(n, "no source for this step"),
  );
  const next: PlanAction[] = [];
  for (const status of ordered) {
    if (!status.available && !ws.application) status.next.push(...(await derivedActions(ws, status.step, rollouts)));
    for (const action of status.next)
      if (!next.some((a) => a.title === action.title && a.command === action.command)) next.push(action);
  }
  const attention = drift.length > 0 || problems.some((p) => p.kind !== "step-unavailable");
  return {
    format: STATUS_FORMAT,
    generatedAt: (options.now ?? new Date()).toISOString(),
    platform: { dir: ws.dir, name: ws.name, configVersion: ws.configVersion },
    steps: ordered,
    repos: ws.repos,
    hosts,
    rollouts,
    drift,
    problems,
    next,
    attention,
  };
}
