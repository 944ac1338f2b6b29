/** Python and its project managers (uv, Poetry, pip). */
import type { DirContext } from "./_dir.ts";
import { firstValue, lineOf } from "./_read.ts";
import { parseToml, tomlGet } from "./_toml.ts";

export const PYTHON_MARKERS = [
  ".python-version",
  "pyproject.toml",
  "uv.lock",
  "poetry.lock",
  "requirements.txt",
  "requirements-dev.txt",
  "setup.py",
  "setup.cfg",
  "Pipfile",
];

/** Poetry's "^3.11" means >=3.11,<4; everything else is already a PEP 440 specifier paved can read. */
function poetryToPep440(spec: string): string {
  const caret = /^\^(\d+)\.(\d+)/.exec(spec.trim());
  return caret ? `>=${caret[1]}.${caret[2]},<${Number(caret[1]) + 1}` : spec;
}

export function detectPython(ctx: DirContext): void {
  if (ctx.has(".python-version")) {
    const value = firstValue(ctx.read(".python-version"));
    // pyenv allows several lines (several interpreters); the first is the one `python` runs.
    if (value)
      ctx.pin(
        "python",
        value.value.replace(/^(cpython-|python-?)/, ""),
        ".python-version",
        "exact",
        `.python-version asks for Python ${value.value}`,
        value.line,
      );
  }
  if (ctx.has("pyproject.toml")) {
    const text = ctx.read("pyproject.toml");
    const doc = parseToml(text, ctx.rel("pyproject.toml"));
    const requires = tomlGet(doc.data, "project", "requires-python");
    if (typeof requires === "string") {
      ctx.pin(
        "python",
        requires,
        "pyproject.toml",
        "manifest",
        `requires-python in pyproject.toml is ${requires}`,
        doc.lines.get("project.requires-python"),
      );
    }
    const poetryPython = tomlGet(doc.data, "tool", "poetry", "dependencies", "python");
    if (typeof poetryPython === "string" && typeof requires !== "string") {
      ctx.pin(
        "python",
        poetryToPep440(poetryPython),
        "pyproject.toml",
        "manifest",
        `tool.poetry.dependencies.python in pyproject.toml is ${poetryPython}`,
        doc.lines.get("tool.poetry.dependencies.python"),
      );
    }
    if (tomlGet(doc.data, "tool", "poetry") !== undefined)
      ctx.pin("poetry", "", "pyproject.toml", "presence", "pyproject.toml has a [tool.poetry] section");
    const uvMembers = tomlGet(doc.data, "tool", "uv", "workspace", "members");
    if (Array.isArray(uvMembers)) {
      for (const m of uvMembers) if (typeof m === "string") ctx.memberPatterns.push(m);
      ctx.pin("uv", "", "pyproject.toml", "presence", "pyproject.toml declares a uv workspace");
    }
    const requiredUv = tomlGet(doc.data, "tool", "uv", "required-version");
    if (typeof requiredUv === "string")
      ctx.pin(
        "uv",
        requiredUv,
        "pyproject.toml",
        "manifest",
        `tool.uv.required-version in pyproject.toml is ${requiredUv}`,
        doc.lines.get("tool.uv.required-version"),
      );
  }
  if (ctx.has("uv.lock")) {
    const text = ctx.read("uv.lock");
    ctx.pin("uv", "", "uv.lock", "presence", "uv.lock: the project is managed with uv");
    const requires = /^requires-python\s*=\s*"([^"]+)"/m.exec(text)?.[1];
    if (requires && !ctx.pins.some((p) => p.toolchain === "python" && p.strength === "manifest")) {
      ctx.pin(
        "python",
        requires,
        "uv.lock",
        "manifest",
        `uv.lock was resolved for Python ${requires}`,
        lineOf(text, /^requires-python/m),
      );
    }
  }
  if (ctx.has("poetry.lock"))
    ctx.pin("poetry", "", "poetry.lock", "presence", "poetry.lock: the project is managed with Poetry");
  if (ctx.has("Pipfile")) {
    const text = ctx.read("Pipfile");
    const m = /^python_(?:full_)?version\s*=\s*"([^"]+)"/m.exec(text);
    if (m)
      ctx.pin(
        "python",
        m[1]!,
        "Pipfile",
        "manifest",
        `python_version in Pipfile is ${m[1]}`,
        lineOf(text, /^python_(full_)?version/m),
      );
  }
  const anyPython = ctx.pins.some((p) => p.toolchain === "python");
  if (!anyPython) {
    const marker = PYTHON_MARKERS.find((m) => ctx.has(m));
    if (marker) ctx.pin("python", "", marker, "presence", `${marker}: the project needs Python (no version pinned)`);
  }
}
