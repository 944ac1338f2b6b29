// The import graph of the source: a platform package between the steps and the CLI, a thin CLI, and no circle.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PACKAGES = ["core", "ci-runner", "devshell", "baseline", "rollout", "platform"];
const STEP_PACKAGES = ["ci-runner", "devshell", "baseline", "rollout"];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every specifier a file imports, statically or with import(), including `export … from`; `import type` apart. */
function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(join(ROOT, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
  return [
    ...text.matchAll(
      /(?:^|[\s;])(import|export)\s+(type\s)?[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm,
    ),
  ].map((m) => ({
    spec: (m[3] ?? m[4] ?? m[5])!,
    typeOnly: m[2] !== undefined,
  }));
}

const files = [...PACKAGES.flatMap((p) => sources(`packages/${p}/src`)), ...sources("apps/cli/src")];
const owner = (file: string) => (file.startsWith("apps/cli/") ? "cli" : file.split("/")[1]!);

/** file → files it imports (relative imports, and @paved/x resolved to x's index.ts). */
function graph(options: { types: boolean }): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const { spec, typeOnly } of imports(file)) {
      if (typeOnly && !options.types) continue;
      if (spec.startsWith(".")) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec));
        if (existsSync(join(ROOT, target))) targets.push(target);
      } else if (spec.startsWith("@paved/")) {
        const name = spec.slice("@paved/".length).split("/")[0]!;
        if (PACKAGES.includes(name)) targets.push(`packages/${name}/src/index.ts`);
      }
    }
    out.set(file, targets);
  }
  return out;
}

function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("import graph", () => {
  const edges = graph({ types: true });

  // The CLI's type-only loops are by design: a handler is typed by its own command's option table
  // (commands/X.ts `import type { spec }` from defs/X.ts, which loads commands/X.ts lazily); types are erased.
  it("has no import circle: none at run time anywhere, none even through types in the platform package", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(cycles(graph({ types: false }))).toEqual([]);
    const mine = new Map(
      [...edges]
        .filter(([file]) => owner(file) === "platform")
        .map(([file, to]) => [file, to.filter((t) => owner(t) === "platform")]),
    );
    expect(cycles(mine)).toEqual([]);
  });

  it("layers the packages: core ← steps ← platform ← CLI, and steps never import each other", () => {
    const allowed: Record<string, string[]> = {
      core: ["core"],
      ...Object.fromEntries(STEP_PACKAGES.map((p) => [p, [p, "core"]])),
      platform: ["platform", "core", ...STEP_PACKAGES],
      cli: ["cli", ...PACKAGES],
    };
    const wrong: string[] = [];
    for (const [file, targets] of edges) {
      for (const target of targets) {
        const to = owner(target);
        if (!allowed[owner(file)]!.includes(to)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keeps the cross-step model out of the CLI: no platform/ directory, and the platform commands are wiring", () => {
    expect(existsSync(join(ROOT, "apps/cli/src/platform"))).toBe(false);
    const cli = files.filter((f) => f.startsWith("apps/cli/src/commands/"));
    // Writing is the platform's and core's business: no command writes a file or edits paved.yaml itself.
    const writers = cli.filter((f) =>
      /\b(writeFiles|commitChange|editConfig|writeAtomic|ejectFiles)\b/.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(writers).toEqual([]);
    // Platform edits go through @paved/platform (one transaction with every platform file), never a step directly.
    for (const command of [
      "host-add",
      "runner-add",
      "team-add",
      "team-remove",
      "ci-init",
      "status",
      "plan",
      "report",
      "sync",
      "eject",
      "init-platform",
    ]) {
      const text = readFileSync(join(ROOT, `apps/cli/src/commands/${command}.ts`), "utf8");
      expect(text, command).toMatch(/from "@paved\/platform"/);
      expect(text, command).not.toMatch(
        /import \{[^}]*\b(hostAdd|runnerAdd|teamAdd|teamRemove|ciInit)\b[^}]*\} from "@paved\/(baseline|ci-runner)"/,
      );
    }
  });

  it("has one place that lists a platform repository's files (the platform package)", () => {
    const assemblers = files.filter(
      (f) =>
        /renderPlatformFiles\s*\(|repositoryFiles\s*\(/.test(readFileSync(join(ROOT, f), "utf8")) &&
        !f.endsWith("index.ts"),
    );
    expect(assemblers.every((f) => f.startsWith("packages/platform/src/"))).toBe(true);
    expect(readFileSync(join(ROOT, "packages/platform/src/_platform-files.ts"), "utf8")).toContain("STEPS");
  });
});
