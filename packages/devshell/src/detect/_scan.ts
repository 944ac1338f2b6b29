/**
 * The repository walk: one readdir per directory, marker files read only where they exist, build output and
 * dependency trees never entered. Synchronous on purpose: thousands of small readdirs are faster without
 * promise overhead, and a scan is a short CLI step, not a server's hot path.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { performance } from "node:perf_hooks";
import picomatch from "picomatch";
import { ASDF_MARKERS, detectAsdf } from "./_asdf.ts";
import { DirContext, type Detector } from "./_dir.ts";
import { detectGo, detectRust, GO_MARKERS, RUST_MARKERS } from "./_go_rust.ts";
import { detectJvm, JVM_MARKERS } from "./_jvm.ts";
import { detectDotnet, detectPhp, detectRuby, detectTerraform, MARKER_SUFFIXES, MISC_MARKERS } from "./_misc.ts";
import { detectNode, NODE_MARKERS } from "./_node.ts";
import { projectRules, type DetectGlobs, type Skipped } from "./_projects.ts";
import { detectPython, PYTHON_MARKERS } from "./_python.ts";
import { settle } from "./_settle.ts";
import type { Detection, Project } from "./_types.ts";

/** Directories that hold dependencies, caches or build output: never a project of their own, not worth a mention. */
export const SKIP_DIRS = new Set([
  "node_modules",
  "bower_components",
  "target",
  "dist",
  "build",
  "out",
  "coverage",
  "result",
  "__pycache__",
  "venv",
  "env",
  "site-packages",
  "obj",
  "bin",
  "Pods",
  "DerivedData",
  "tmp",
]);

const MARKERS = new Set([
  ...NODE_MARKERS,
  ...PYTHON_MARKERS,
  ...GO_MARKERS,
  ...RUST_MARKERS,
  ...JVM_MARKERS,
  ...MISC_MARKERS,
  ...ASDF_MARKERS,
]);
// Order matters only for notes; pins are settled per toolchain afterwards.
const DETECTORS: Detector[] = [
  detectAsdf,
  detectNode,
  detectPython,
  detectGo,
  detectRust,
  detectJvm,
  detectRuby,
  detectPhp,
  detectDotnet,
  detectTerraform,
];

/**
 * A build whose sources live in `src/` (Cargo, Maven, Gradle, npm, Python packaging) keeps no other project there:
 * `src/main/java/com/…` and a crate's module tree are hundreds of directories that cannot hold a marker of their own.
 * They are not walked unless a workspace member or a detect.include points into them.
 */
const SOURCES_ONLY = new Set([
  "Cargo.toml",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "package.json",
  "pyproject.toml",
]);

function isMarker(name: string): boolean {
  return MARKERS.has(name) || MARKER_SUFFIXES.some((s) => name.endsWith(s));
}

/**
 * The root .gitignore, read cheaply: plain names and simple globs (`*.log`, `/tmp`, `cache/`) that name
 * directories; negations and nested .gitignore files are not followed (a missed ignore only costs a readdir).
 */
function gitignoreMatcher(root: string): (rel: string, name: string) => boolean {
  let text = "";
  try {
    text = readFileSync(join(root, ".gitignore"), "utf8");
  } catch {
    return () => false;
  }
  const anywhere: string[] = [];
  const anchored: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("!")) continue;
    const pattern = line.replace(/\/$/, "");
    if (pattern.startsWith("/")) anchored.push(pattern.slice(1));
    else if (pattern.includes("/")) anchored.push(pattern);
    else anywhere.push(pattern);
  }
  // One matcher per kind (picomatch joins a list into one regex): a hundred patterns cost one test per directory.
  const any = anywhere.length > 0 ? picomatch(anywhere, { dot: true }) : undefined;
  const at = anchored.length > 0 ? picomatch(anchored, { dot: true }) : undefined;
  return (rel, name) => (any?.(name) ?? false) || (at?.(rel) ?? false);
}

function linkTargetIsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface ScanOptions extends DetectGlobs {
  /** Stop descending below this depth (default 12): deep trees are almost never separate projects. */
  maxDepth?: number;
}

/** Walk the repository and detect every directory with its own marker files. Throws E_MARKER_PARSE on unreadable markers. */
export function scanRepository(root: string, options: ScanOptions = {}): Detection {
  const started = performance.now();
  const maxDepth = options.maxDepth ?? 12;
  const ignored = gitignoreMatcher(root);
  const rules = projectRules(options);
  const projects: Project[] = [];
  const skipped: Skipped[] = [];
  let directories = 0;
  let markerFiles = 0;
  // `gated`: entered only because a detect.include lies below it; its own markers do not make it a project.
  const stack: [rel: string, depth: number, gated: boolean][] = [["", 0, false]];
  while (stack.length > 0) {
    const [rel, depth, gated] = stack.pop()!;
    directories++;
    let entries;
    try {
      entries = readdirSync(rel === "" ? root : join(root, rel), { withFileTypes: true });
    } catch {
      continue; // unreadable directory (permissions): not ours to judge
    }
    // A nested repository or git submodule (its own .git) is someone else's project, unless an include names it.
    if (rel !== "" && !gated && !rules.included(rel) && entries.some((e) => e.name === ".git")) {
      skipped.push({ dir: rel, reason: "a git submodule or nested repository" });
      continue;
    }
    const files = new Set<string>();
    const broken: string[] = [];
    const children: [rel: string, depth: number, gated: boolean][] = [];
    let markers = false;
    for (const entry of entries) {
      const name = entry.name;
      // Symbolic links to directories are not followed (no loops, no walking out of the repository).
      if (entry.isDirectory()) {
        if (name.startsWith(".") || SKIP_DIRS.has(name) || depth >= maxDepth) continue;
        const child = rel === "" ? name : `${rel}/${name}`;
        if (ignored(child, name) || rules.excluded(child)) {
          if (rules.excluded(child) && !gated) skipped.push({ dir: child, reason: rules.skip(child, name)! });
          continue;
        }
        if (rules.included(child)) children.push([child, depth + 1, false]);
        else {
          const reason = gated ? undefined : rules.skip(child, name);
          if (reason === undefined && !gated) children.push([child, depth + 1, false]);
          else if (rules.leadsTo(child)) children.push([child, depth + 1, true]);
          else if (reason !== undefined) skipped.push({ dir: child, reason });
        }
      } else if (isMarker(name)) {
        // Only regular files (or links to one) are read: a FIFO named package.json would block the scan.
        if (!entry.isFile() && !(entry.isSymbolicLink() && linkTargetIsFile(join(root, rel, name)))) {
          broken.push(name);
          continue;
        }
        files.add(name);
        markers = true;
        markerFiles++;
      } else files.add(name);
    }
    if (gated || (!markers && broken.length === 0)) {
      stack.push(...children);
      continue;
    }
    const ctx = new DirContext(root, rel, files);
    // A link to nothing cannot pin anything, and the ecosystem's own tool could not read it either.
    for (const name of broken)
      ctx.note(`${ctx.rel(name)} is not a regular file (a link to a missing file, a directory or a pipe); ignored.`);
    for (const detect of DETECTORS) detect(ctx);
    projects.push(settle(ctx));
    const sourcesOnly = [...SOURCES_ONLY].some((name) => files.has(name));
    const src = rel === "" ? "src" : `${rel}/src`;
    const intoSrc = (p: string) => /^(\.\/)?src(\/|$)/.test(p.replace(/^!/, ""));
    for (const child of children) {
      if (
        sourcesOnly &&
        child[0] === src &&
        !rules.included(src) &&
        !rules.leadsTo(src) &&
        !ctx.memberPatterns.some(intoSrc)
      )
        continue;
      stack.push(child);
    }
  }
  projects.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  linkWorkspaces(projects);
  skipped.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return { root, projects, skipped, stats: { directories, markerFiles, ms: performance.now() - started } };
}

/** Workspace member globs (`packages/*`, `crates/{a,b}`, `apps/[a-m]*`), relative to the workspace's directory. */
function memberMatcher(base: string, patterns: readonly string[]): (dir: string) => boolean {
  if (patterns.length === 0) return () => false;
  const full = patterns.map((p) => {
    const clean = p.replace(/^\.\//, "").replace(/\/+$/, "");
    return base === "" ? clean : `${base}/${clean}`;
  });
  return picomatch(full, { dot: true });
}

/** Turn member patterns into the project directories they match, and note members that do not exist. */
function linkWorkspaces(projects: Project[]): void {
  const dirs = projects.map((p) => p.dir);
  for (const project of projects) {
    const patterns = project.workspaceMembers;
    if (patterns.length === 0) continue;
    // `!pattern` takes matches out again, as pnpm and Cargo workspaces mean it.
    const include = memberMatcher(
      project.dir,
      patterns.filter((p) => !p.startsWith("!")),
    );
    const exclude = memberMatcher(
      project.dir,
      patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1)),
    );
    project.workspaceMembers = dirs.filter((d) => d !== project.dir && include(d) && !exclude(d));
    for (const p of patterns) {
      if (p.startsWith("!") || picomatch.scan(p).isGlob) continue;
      const clean = p.replace(/^\.\//, "").replace(/\/+$/, "");
      // `use .` (go.work) and `"."` (workspaces) name the workspace root itself, which is this project.
      if (clean === "." || clean === "") continue;
      const member = posix.normalize(project.dir === "" ? clean : `${project.dir}/${clean}`);
      if (!dirs.includes(member))
        project.notes.push(
          `workspace member ${p} (in ${project.dir || "the root"}) has no marker files; nothing to detect there.`,
        );
    }
  }
}
