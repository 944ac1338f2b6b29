import { probeRollout, readRollouts, rolloutState, summarize } from "@paved/rollout";
import { EXIT } from "../_exit-codes.ts";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/rollout-status.ts";
import { summaryText } from "./_rollout.ts";

export const run: Handler<typeof spec> = async (ctx, { args: { id }, options }) => {
  if (id !== undefined && options.probe) {
    const checks = await probeRollout({ dir: ctx.dir, id, signal: ctx.signal });
    const lines = checks.map((c) => {
      const mark = c.agrees ? "✓" : c.settling ? "…" : "✗";
      const actual = c.actual ? `generation ${c.actual.generation ?? "?"} ${c.actual.path}` : `unknown (${c.error})`;
      const note = c.settling
        ? " — mid-switch, its guard has not fired yet"
        : c.untouched
          ? " — not touched by this rollout"
          : c.agrees
            ? ""
            : " — not what the journal names";
      return `${mark} ${c.host.padEnd(16)} ${actual}${c.decided ? ` (decided by ${c.decided})` : ""}${note}`;
    });
    const ok = checks.every((c) => c.agrees);
    return { data: { id, hosts: checks, agrees: ok }, text: lines.join("\n"), exitCode: ok ? EXIT.ok : EXIT.attention };
  }
  if (id !== undefined) {
    const state = rolloutState(ctx.dir, id);
    const summary = summarize(state);
    const hosts = Object.values(state.hosts).map((h) => ({
      host: h.name,
      wave: h.wave,
      outcome: h.outcome ?? "pending",
      generation: h.generation,
      before: h.before,
      target: h.target,
      uncertain: h.uncertain,
      unsettled: h.unsettled,
      lastStep: h.lastStep,
      message: h.message,
    }));
    const lines = hosts.map((h) => {
      const gen = h.generation ? `generation ${h.generation.generation ?? "?"}` : "not probed";
      const where = h.unsettled
        ? `uncertain: on ${h.unsettled.paths.join(" or ")}${h.unsettled.deadline ? `, its guard decides by ${h.unsettled.deadline}` : ""} (${h.unsettled.reason})`
        : h.uncertain
          ? `${gen} or the target (mid-switch: the host's decided/by file says which)`
          : gen;
      return `  ${h.host.padEnd(16)} ${h.outcome.padEnd(22)} ${where}${h.lastStep && h.outcome === "pending" ? ` — last step ${h.lastStep.step} ${h.lastStep.phase}` : ""}`;
    });
    return { data: { ...summary, hostStates: hosts }, text: `${summaryText(summary)}\n${lines.join("\n")}` };
  }
  const rollouts = readRollouts(ctx.dir);
  if (rollouts.length === 0) return { data: { rollouts: [] }, text: "No rollouts recorded in this repository yet." };
  const lines = rollouts.map(
    (r) =>
      `${r.id}  ${String(r.outcome).padEnd(11)} ${r.hosts} host(s), ${r.counts.deployed ?? 0} deployed, ${r.failures.length} failed  (${r.startedAt})`,
  );
  return { data: { rollouts }, text: lines.join("\n") };
};
