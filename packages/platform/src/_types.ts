/**
 * The shapes `paved status`, `paved plan` and `paved report` share. `--json` prints MigrationStatus as it is,
 * so scripts and the HTML report read the same numbers.
 */
export { STEP_TITLES } from "./_steps.ts";
import type { DriftItem, NextAction, StepNumber, StepReport, StepState } from "@paved/core";

/** Bumped when the JSON shape changes incompatibly. */
export const STATUS_FORMAT = 1;

export interface RepoEntry {
  /** Name shown to people: the directory name (or the entry when two repositories share one). */
  name: string;
  /** The entry as written under `repos:` in paved.yaml. */
  entry: string;
  /** Absolute path. */
  path: string;
  readable: boolean;
  /** Why the repository could not be read (missing, not a directory, permissions). */
  problem?: string;
  /** Each repo-scoped step's state for this repository (steps 1 and 2). */
  steps: Partial<Record<StepNumber, StepState>>;
}

export interface HostEntry {
  name: string;
  role: string;
  system: string;
  /** A rollout journal records it as deployed (or unchanged) at least once. */
  deployed: boolean;
  /** Id of the last rollout that touched it, and the host's outcome there. */
  lastRollout?: { id: string; outcome: string };
}

/** What one step's row says, once the per-repository reports are folded together. */
export interface StepStatus extends StepReport {
  /** False when this build of paved has no status function for the step: the state is then unknown. */
  available: boolean;
  /** Why the step is unknown or partly unknown. */
  reason?: string;
  /** Repositories or hosts behind the step, with their own state. */
  subjects: { name: string; state: StepState | "unknown"; detail?: string }[];
}

export interface RolloutHostEvent {
  host: string;
  outcome: string;
  wave: number;
  message?: string;
}

/** One rollout as the report's timeline shows it. */
export interface RolloutSummary {
  id: string;
  startedAt: string;
  endedAt?: string;
  /** succeeded, failed, paused, rolled-back, or running (no end record: in progress or interrupted). */
  outcome: string;
  message?: string;
  waves: { name: string; hosts: string[]; state: string; failed: number }[];
  hosts: RolloutHostEvent[];
  failures: number;
  rolledBack: boolean;
  resumes: number;
}

export interface JournalRead {
  rollouts: RolloutSummary[];
  /** One message per journal that could not be read in full (torn or corrupt lines). */
  problems: { subject: string; message: string; fix?: string }[];
}

/** Bad input that did not stop the report: each says what and what to do. */
export interface Problem {
  kind:
    | "missing-repo"
    | "unreadable-repo"
    | "old-config"
    | "invalid-config"
    | "journal"
    | "step-unavailable"
    | "step-error";
  subject: string;
  message: string;
  fix?: string;
}

export interface MigrationStatus {
  format: typeof STATUS_FORMAT;
  generatedAt: string;
  platform: { dir: string; name: string; configVersion: unknown };
  steps: StepStatus[];
  repos: RepoEntry[];
  hosts: HostEntry[];
  rollouts: RolloutSummary[];
  drift: DriftItem[];
  problems: Problem[];
  next: PlanAction[];
  /** Drift or problems exist: `paved status` exits 5. */
  attention: boolean;
  /** The repository was ejected (`paved eject`): its files are the team's, and paved tracks nothing there. */
  ejected?: { at: string; files: string[] };
}

/** A next action with the repository or host it concerns. */
export interface PlanAction extends NextAction {
  subject?: string;
  /** True when paved derived it from paved.yaml because the step's own package could not say. */
  derived?: boolean;
}
