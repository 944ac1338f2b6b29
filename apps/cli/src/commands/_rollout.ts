/** Shared by the rollout commands: host selection flags, progress lines, and the result as text. */
import type { HostSelection, RolloutEvent, RolloutResult, RolloutSummary } from "@paved/rollout";
import { PavedError } from "@paved/core";
import { summarize } from "@paved/rollout";
import type { CommandContext } from "../_context.ts";
import { EXIT } from "../_exit-codes.ts";
import { paint } from "../_output.ts";

/** --host/--role/--tag (already split at commas); a kind not given selects every host. */
export function selection(options: { host: string[]; role: string[]; tag: string[] }): HostSelection {
  const list = (values: string[]) => (values.length > 0 ? values : undefined);
  return { names: list(options.host), roles: list(options.role), tags: list(options.tag) };
}

/**
 * Progress for people: one line per host phase change with the time since that host started, and a line per
 * wave. With --json the events go to stderr as JSON lines (stdout keeps the final document), like Nix's
 * `--log-format internal-json`.
 */
export function progress(ctx: CommandContext): (event: RolloutEvent) => void {
  const c = paint(ctx.color);
  const hostStart = new Map<string, number>();
  let waves = 0;
  return (event) => {
    if (ctx.json) {
      ctx.event(event);
      return;
    }
    if (event.type === "rollout") {
      ctx.progress(
        `rollout ${event.id} ${event.phase}${event.outcome ? `: ${event.outcome}` : ""}${event.message ? ` — ${event.message}` : ""}`,
      );
    } else if (event.type === "wave") {
      waves = Math.max(waves, event.wave + 1);
      const time = event.ms !== undefined ? ` in ${(event.ms / 1000).toFixed(1)}s` : "";
      const failed = event.failed !== undefined ? `, ${event.failed} failed` : "";
      ctx.progress(
        `${c.bold(`wave ${event.wave + 1} ${event.name}`)}: ${event.phase} (${event.hosts} hosts${failed})${time}`,
      );
    } else {
      if (!hostStart.has(event.host)) hostStart.set(event.host, Date.now());
      const secs = ((Date.now() - hostStart.get(event.host)!) / 1000).toFixed(1).padStart(5);
      const phase = event.phase === "done" ? colourOutcome(c, event.outcome ?? "done") : event.phase;
      ctx.progress(
        `  ${event.host.padEnd(16)} ${phase.padEnd(22)} ${secs}s${event.message ? `  ${event.message}` : ""}`,
      );
    }
  };
}

function colourOutcome(c: ReturnType<typeof paint>, outcome: string): string {
  if (outcome === "deployed" || outcome === "unchanged") return c.green(outcome);
  if (outcome === "skipped" || outcome === "rolled-back") return c.yellow(outcome);
  return c.red(outcome);
}

export function summaryText(summary: RolloutSummary): string {
  const lines = [`rollout ${summary.id}: ${summary.outcome}${summary.message ? ` — ${summary.message}` : ""}`];
  lines.push(
    `  started ${summary.startedAt}${summary.endedAt ? `, ended ${summary.endedAt}` : ""}, mode ${summary.mode}${summary.resumes ? `, resumed ${summary.resumes}x` : ""}`,
  );
  summary.waves.forEach((w, i) =>
    lines.push(
      `  wave ${i + 1} ${w.name}: ${w.state}, ${w.hosts.length} host(s)${w.failed ? `, ${w.failed} failed` : ""} — ${w.hosts.join(", ")}`,
    ),
  );
  lines.push(
    `  hosts: ${Object.entries(summary.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}`,
  );
  for (const f of summary.failures) lines.push(`  ✗ ${f.host}: ${f.outcome}${f.message ? ` — ${f.message}` : ""}`);
  for (const r of summary.rollbacks) lines.push(`  ↺ ${r.host}: rolled back${r.message ? ` — ${r.message}` : ""}`);
  for (const u of summary.uncertain) {
    lines.push(
      `  ? ${u.host}: uncertain since ${u.at} — ${u.reason}; on one of ${u.paths.join(", ") || "its generations"}${u.deadline ? `; its guard decides by ${u.deadline}` : "; no guard armed: check it by hand"}`,
    );
  }
  return lines.join("\n");
}

/** 0 succeeded (or paused, planned, rolled back), 6 succeeded with failures inside the budget, 75 incomplete, 1 failed. */
/** The host counts of a rollout's journal, and why it stopped when hosts could not be reached. */
export function resultSummary(result: RolloutResult) {
  return {
    ...summarize(result.state),
    ...(result.outcome === "incomplete" ? { outcome: "incomplete" as const, message: result.message } : {}),
  };
}

export function resultExit(result: RolloutResult): number {
  if (result.outcome === "incomplete") return EXIT.incomplete;
  if (result.outcome === "succeeded") return result.state.failures > 0 ? EXIT.partial : EXIT.ok;
  if (result.outcome === "paused" || result.outcome === "planned" || result.outcome === "rolled-back") return EXIT.ok;
  return EXIT.failed;
}

/** `--override-input name=ref` flags as Nix arguments. */
export function overrideInputs(list: string[]): string[] {
  return list.flatMap((item) => {
    const eq = item.indexOf("=");
    if (eq <= 0)
      throw new PavedError("E_USAGE", `--override-input ${JSON.stringify(item)} is not name=flakeref`, {
        hint: "For example --override-input nixpkgs=path:/srv/nixpkgs",
      });
    return ["--override-input", item.slice(0, eq), item.slice(eq + 1)];
  });
}
