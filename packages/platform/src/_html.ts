/**
 * Escape-by-default HTML/SVG: every value interpolated into an `html` template is escaped, unless it is itself
 * the result of `html` (already safe) or explicitly marked with `raw` (constant markup such as the stylesheet).
 * Arrays are joined, and null/undefined/false render as nothing, so conditionals read naturally. A value can
 * only become markup by going through one of these two doors, which a reviewer can grep for.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markup paved wrote itself (constants only): never a value read from a repository, host or journal. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}
