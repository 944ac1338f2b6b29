export type { DriftItem, NextAction, StepEvidence, StepNumber, StepReport, StepState } from "./_types.ts";
