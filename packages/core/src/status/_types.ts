/**
 * What each step package reports for `paved status`: the CLI gathers one StepReport per step and `paved plan`
 * turns their next actions into a path-ordered list.
 */
export type StepNumber = 1 | 2 | 3 | 4 | 5;
export type StepState = "done" | "in-progress" | "not-started";

export interface StepEvidence {
  /** One line a person reads, e.g. "CI: 3 of 5 repositories run on Nix — api, web, worker". */
  text: string;
  /** Counts behind the line, for the report page and --json (e.g. { done: 3, total: 5 }). */
  done?: number;
  total?: number;
  items?: string[];
}

export interface DriftItem {
  kind: "edited-file" | "never-deployed" | "stale-pin" | "missing-repo" | "old-config" | (string & {});
  /** Repository or host it concerns. */
  subject: string;
  message: string;
  fix?: string;
}

export interface NextAction {
  step: StepNumber;
  title: string;
  /** The command that starts it, e.g. `paved init --dir ../web`. */
  command?: string;
}

export interface StepReport {
  step: StepNumber;
  title: string;
  state: StepState;
  evidence: StepEvidence[];
  drift: DriftItem[];
  next: NextAction[];
}
