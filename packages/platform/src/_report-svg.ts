/**
 * The pictures of the HTML report, as inline SVG: the five steps as a road with a progress ring per step.
 * Built with the escape-by-default `html` template; numbers are formatted here, never taken from strings.
 */
import { html, type SafeHtml } from "./_html.ts";
import { STEP_TITLES, type StepStatus } from "./_types.ts";

export const COLORS = {
  done: "#1a7f37",
  "in-progress": "#bf8700",
  "not-started": "#afb8c1",
  unknown: "#8c959f",
  fail: "#cf222e",
  track: "#e6e9ed",
} as const;

export type StateKey = "done" | "in-progress" | "not-started" | "unknown";

export function stepKey(step: StepStatus): StateKey {
  return step.available ? step.state : "unknown";
}

/** Share of the step done, 0..1: from its counts when it has them, else from its state. A full ring means done. */
export function stepFraction(step: StepStatus): number {
  const head = step.evidence[0];
  if (step.available && head?.total && head.total > 0 && head.done !== undefined) {
    const share = Math.min(1, head.done / head.total);
    // Every counted item there but the step not done (drift, something unproven): the ring must not look closed.
    return step.state === "done" ? share : Math.min(share, 0.9);
  }
  return step.available && step.state === "done" ? 1 : step.available && step.state === "in-progress" ? 0.5 : 0;
}

/** What is still open in a step whose counted items are all there: its drift and its next actions. */
function openItems(step: StepStatus): number {
  return step.drift.length + step.next.length;
}

export function stepCount(step: StepStatus): string {
  const head = step.evidence[0];
  if (!step.available) return "unknown";
  if (head?.total !== undefined && head.done !== undefined) {
    const count = `${head.done} of ${head.total}`;
    // "in progress · 4 of 4" would contradict itself: say what is left instead.
    if (step.state !== "done" && head.total > 0 && head.done >= head.total)
      return `${count}, ${openItems(step) || "not all"} open`;
    return count;
  }
  return { done: "done", "in-progress": "in progress", "not-started": "not started" }[step.state];
}

const LABEL = { done: "done", "in-progress": "in progress", "not-started": "not started", unknown: "unknown" } as const;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && `${line} ${word}`.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.slice(0, 2);
}

export function progressSvg(steps: StepStatus[]): SafeHtml {
  const w = 1000;
  const gap = w / steps.length;
  const cy = 62;
  const r = 30;
  const ring = 2 * Math.PI * (r - 4);
  // The road: grey underneath, coloured up to the last step that has started.
  const lastStarted = steps.map((s) => s.available && s.state !== "not-started").lastIndexOf(true);
  const road = html`<line x1="${gap / 2}" y1="${cy}" x2="${w - gap / 2}" y2="${cy}" stroke="${COLORS.track}" stroke-width="10" stroke-linecap="round"/>${
    lastStarted > 0
      ? html`<line x1="${gap / 2}" y1="${cy}" x2="${gap / 2 + lastStarted * gap}" y2="${cy}" stroke="#57606a" stroke-width="10" stroke-linecap="round" stroke-dasharray="1 0"/><line x1="${gap / 2}" y1="${cy}" x2="${gap / 2 + lastStarted * gap}" y2="${cy}" stroke="#fff" stroke-width="2" stroke-dasharray="14 12"/>`
      : ""
  }`;
  const rings = steps.map((step, i) => {
    const cx = gap / 2 + i * gap;
    const key = stepKey(step);
    const fraction = stepFraction(step);
    const count = stepCount(step);
    return html`<g class="step" data-step="${step.step}" data-state="${key}" data-count="${count}"><title>${`Step ${step.step}: ${step.title} — ${LABEL[key]} (${count})`}</title><circle cx="${cx}" cy="${cy}" r="${r}" fill="#fff" stroke="${COLORS.track}" stroke-width="8"/>${
      fraction > 0
        ? html`<circle cx="${cx}" cy="${cy}" r="${r - 4}" fill="none" stroke="${COLORS[key]}" stroke-width="8" stroke-dasharray="${(ring * fraction).toFixed(1)} ${ring.toFixed(1)}" transform="rotate(-90 ${cx} ${cy})"/>`
        : ""
    }<circle cx="${cx}" cy="${cy}" r="${r - 10}" fill="${key === "done" ? COLORS.done : "#fff"}"${key === "unknown" ? html` stroke="${COLORS.unknown}" stroke-dasharray="3 3"` : ""}/><text x="${cx}" y="${cy + 6}" text-anchor="middle" class="num" fill="${key === "done" ? "#fff" : "#24292f"}">${key === "done" ? "✓" : step.step}</text>${
      // The packages' own titles are long; the road uses the path's short names, the boxes below the full ones.
      wrap(STEP_TITLES[step.step], 22).map(
        (line, n) => html`<text x="${cx}" y="${cy + 58 + n * 17}" text-anchor="middle" class="title">${line}</text>`,
      )
    }<text x="${cx}" y="${cy + 100}" text-anchor="middle" class="state" fill="${COLORS[key] === COLORS["not-started"] ? "#57606a" : COLORS[key]}">${count === LABEL[key] ? count : `${LABEL[key]} · ${count}`}</text></g>`;
  });
  return html`<svg class="road" viewBox="0 0 ${w} 180" role="img" aria-label="Progress on the five-step path" xmlns="http://www.w3.org/2000/svg">${road}${rings}</svg>`;
}
