/**
 * Which directories can be projects. Examples, tests and their fixtures, docs, acceptance suites, vendored and
 * generated trees hold marker files (a package.json per example, a rust-toolchain file per test case) that are
 * not the team's projects: they never get a shell and never lend a pin to the root. paved.yaml's `detect.include`
 * and `detect.exclude` globs (picomatch) override the built-in rules.
 */
import picomatch from "picomatch";

/** Directory names that are never projects, with the reason init prints. */
const NOT_PROJECTS: Record<string, string> = {};
const groups: [string, string[]][] = [
  ["examples", ["example", "examples", "_examples", "sample", "samples"]],
  [
    "tests",
    [
      "test",
      "tests",
      "__tests__",
      "spec",
      "specs",
      "e2e-fixtures",
      "testscripts",
      "acceptance",
      "acceptance-tests",
      "integration-tests",
    ],
  ],
  [
    "test data",
    [
      "testdata",
      "test_data",
      "test-data",
      "fixtures",
      "__fixtures__",
      "fixture",
      "test-fixtures",
      "test_fixtures",
      "__mocks__",
      "__snapshots__",
      "golden",
      "goldens",
    ],
  ],
  ["documentation", ["doc", "docs", "documentation"]],
  [
    "vendored code",
    [
      "vendor",
      "vendored",
      "third_party",
      "third-party",
      "thirdparty",
      "node_modules",
      "bower_components",
      "jspm_packages",
    ],
  ],
  ["generated code", ["generated", "__generated__", "_generated", "autogen"]],
];
for (const [reason, names] of groups) for (const name of names) NOT_PROJECTS[name] = reason;

/** `maven-tests`, `android-test`, `okhttp-osgi-tests`, `api_examples`: a module of tests or examples by its name. */
const SUFFIXES: [RegExp, string][] = [
  [/[-_](tests?|testsuite|e2e)$/, "tests"],
  [/[-_](examples?|samples?|demos?)$/, "examples"],
  [/[-_](fixtures?|testdata|test-data)$/, "test data"],
];

/**
 * Directories whose projects may get a shell of their own but never fill the root's default shell: CI helpers and
 * scripts pin what their job needs (a `ci/lint/.python-version`), not what the repository is built with.
 */
const TOOLING = new Set([
  "ci",
  ".ci",
  "scripts",
  "script",
  "tools",
  "hack",
  "bench",
  "benchmarks",
  "devtools",
  "build-tools",
  "buildscripts",
]);

export interface Skipped {
  dir: string;
  /** "examples", "tests", "test data", "documentation", "vendored code", "generated code", "a git submodule or nested repository", "detect.exclude …" */
  reason: string;
}

export interface ProjectRules {
  /** Why `dir` (relative, with its `name`) is not a project by the built-in rules or detect.exclude; undefined when it may be one. */
  skip(dir: string, name: string): string | undefined;
  /** detect.exclude names it: not even an include brings it back. */
  excluded(dir: string): boolean;
  /** detect.include names it or a directory above it. */
  included(dir: string): boolean;
  /** An include names something below it, so the walk must pass through (without making it a project). */
  leadsTo(dir: string): boolean;
}

export interface DetectGlobs {
  include?: readonly string[];
  exclude?: readonly string[];
}

export function projectRules(globs: DetectGlobs = {}): ProjectRules {
  const include = (globs.include ?? []).map((g) => ({
    match: picomatch([g, `${g}/**`], { dot: true }),
    base: picomatch.scan(g).base.replace(/\/+$/, ""),
  }));
  const exclude = (globs.exclude ?? []).map((g) => ({ glob: g, match: picomatch([g, `${g}/**`], { dot: true }) }));
  const excludedBy = (dir: string) => exclude.find((e) => e.match(dir));
  return {
    skip(dir, name) {
      const excluded = excludedBy(dir);
      if (excluded) return `detect.exclude "${excluded.glob}" in paved.yaml`;
      const lower = name.toLowerCase();
      const builtIn = NOT_PROJECTS[lower] ?? SUFFIXES.find(([re]) => re.test(lower))?.[1];
      if (builtIn) return builtIn;
      return undefined;
    },
    excluded: (dir) => excludedBy(dir) !== undefined,
    included: (dir) => include.some((i) => i.match(dir)),
    leadsTo: (dir) => include.some((i) => i.base === dir || i.base.startsWith(`${dir}/`)),
  };
}

/** Is this project inside a tooling directory (ci/, scripts/, tools/, …)? */
export function isTooling(dir: string): boolean {
  return dir.split("/").some((part) => TOOLING.has(part));
}

/** Skipped directories grouped by reason, for one line each in init's output. */
export function summariseSkipped(skipped: readonly Skipped[], limit = 4): string[] {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.dir]);
  return [...byReason.entries()].map(([reason, dirs]) => {
    const shown = dirs
      .slice(0, limit)
      .map((d) => `${d}/`)
      .join(", ");
    return `${reason}: ${shown}${dirs.length > limit ? ` and ${dirs.length - limit} more` : ""}`;
  });
}
