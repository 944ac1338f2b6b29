/**
 * The pictures of the HTML report, as inline SVG: the five steps as a road with a progress ring per step.
 * Every text goes through `esc`; numbers are formatted here, never taken from strings.
 */
import { STEP_TITLES, type StepStatus } from "./_types.ts";

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const COLORS = { done: "#1a7f37", "in-progress": "#bf8700", "not-started": "#afb8c1", unknown: "#8c959f", fail: "#cf222e", track: "#e6e9ed" } as const;

export type StateKey = "done" | "in-progress" | "not-started" | "unknown";

export function stepKey(step: StepStatus): StateKey {
  return step.available ? step.state : "unknown";
}

/** Share of the step done, 0..1: from its counts when it has them, else from its state. */
export function stepFraction(step: StepStatus): number {
  const head = step.evidence[0];
  if (step.available && head?.total && head.total > 0 && head.done !== undefined) return Math.min(1, head.done / head.total);
  return step.available && step.state === "done" ? 1 : step.available && step.state === "in-progress" ? 0.5 : 0;
}

export function stepCount(step: StepStatus): string {
  const head = step.evidence[0];
  if (!step.available) return "unknown";
  if (head?.total !== undefined && head.done !== undefined) return `${head.done} of ${head.total}`;
  return { done: "done", "in-progress": "in progress", "not-started": "not started" }[step.state];
}

const LABEL = { done: "done", "in-progress": "in progress", "not-started": "not started", unknown: "unknown" } as const;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && (line + " " + word).length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.slice(0, 2);
}

export function progressSvg(steps: StepStatus[]): string {
  const w = 1000;
  const gap = w / steps.length;
  const cy = 62;
  const r = 30;
  const ring = 2 * Math.PI * (r - 4);
  const parts: string[] = [];
  // The road: grey underneath, coloured up to the last step that has started.
  parts.push(`<line x1="${gap / 2}" y1="${cy}" x2="${w - gap / 2}" y2="${cy}" stroke="${COLORS.track}" stroke-width="10" stroke-linecap="round"/>`);
  const lastStarted = steps.map((s) => s.available && s.state !== "not-started").lastIndexOf(true);
  if (lastStarted > 0) {
    parts.push(`<line x1="${gap / 2}" y1="${cy}" x2="${gap / 2 + lastStarted * gap}" y2="${cy}" stroke="#57606a" stroke-width="10" stroke-linecap="round" stroke-dasharray="1 0"/>`);
    parts.push(`<line x1="${gap / 2}" y1="${cy}" x2="${gap / 2 + lastStarted * gap}" y2="${cy}" stroke="#fff" stroke-width="2" stroke-dasharray="14 12"/>`);
  }
  steps.forEach((step, i) => {
    const cx = gap / 2 + i * gap;
    const key = stepKey(step);
    const fraction = stepFraction(step);
    const count = stepCount(step);
    parts.push(
      `<g class="step" data-step="${step.step}" data-state="${esc(key)}" data-count="${esc(count)}">`,
      `<title>${esc(`Step ${step.step}: ${step.title} — ${LABEL[key]} (${count})`)}</title>`,
      `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#fff" stroke="${COLORS.track}" stroke-width="8"/>`,
      fraction > 0
        ? `<circle cx="${cx}" cy="${cy}" r="${r - 4}" fill="none" stroke="${COLORS[key]}" stroke-width="8" stroke-dasharray="${(ring * fraction).toFixed(1)} ${ring.toFixed(1)}" transform="rotate(-90 ${cx} ${cy})"/>`
        : "",
      `<circle cx="${cx}" cy="${cy}" r="${r - 10}" fill="${key === "done" ? COLORS.done : "#fff"}"${key === "unknown" ? ` stroke="${COLORS.unknown}" stroke-dasharray="3 3"` : ""}/>`,
      `<text x="${cx}" y="${cy + 6}" text-anchor="middle" class="num" fill="${key === "done" ? "#fff" : "#24292f"}">${key === "done" ? "✓" : step.step}</text>`,
      // The packages' own titles are long; the road uses the path's short names, the boxes below the full ones.
      ...wrap(STEP_TITLES[step.step], 22).map((line, n) => `<text x="${cx}" y="${cy + 58 + n * 17}" text-anchor="middle" class="title">${esc(line)}</text>`),
      `<text x="${cx}" y="${cy + 100}" text-anchor="middle" class="state" fill="${COLORS[key] === COLORS["not-started"] ? "#57606a" : COLORS[key]}">${esc(count === LABEL[key] ? count : `${LABEL[key]} · ${count}`)}</text>`,
      `</g>`,
    );
  });
  return `<svg class="road" viewBox="0 0 ${w} 180" role="img" aria-label="Progress on the five-step path" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}
