/**
 * The read set of one evaluation: every file of the checkout the dev shell can depend on. Two sources:
 * - Nix itself: with `-v` it logs `evaluating file '…'` for every file it evaluates (import, callPackage ./dir);
 *   those under the flake's own source copy map back to files of the checkout;
 * - those files' text (_nixrefs.ts): path literals and `self + "/x"` they contain are what readFile, fromJSON,
 *   fromTOML, builtins.path, `src = ./…` and lib.fileset can read, which Nix does not log.
 * A directory that is read as a whole (`src = ./.`, `builtins.path { path = ./dir; }`, a filter paved cannot
 * evaluate) puts every tracked file under it in the set; at the root that is "every tracked file", said once.
 * Anything paved cannot account for widens the set, never narrows it: a stale environment is worse than an
 * evaluation too many.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { inputsNames, nixRefs, type NixRef } from "./_nixrefs.ts";

export interface ReadSet {
  /** Files of the checkout (absolute), tracked or not yet existing. */
  files: string[];
  /** Directories read as a whole (absolute); their tracked files are in `files`. */
  dirs: string[];
  /** Set when the shell depends on every tracked file: where that comes from (`flake.nix:12:11: ./.`). */
  wholeTree?: string;
  /** Set when a file names `self + "/x"`: in a flake below its repository's top, self is the whole repository. */
  selfPaths?: boolean;
  /** Where a path may lead elsewhere at evaluation time (nixRefs' `open`): a tree cannot be proven to hold it. */
  openPath?: string;
}

/** Files Nix reported evaluating, as absolute paths (store paths included). */
function evaluatedFiles(nixStderr: string): string[] {
  const files: string[] = [];
  for (const match of nixStderr.matchAll(/^evaluating file '([^']+)'$/gm)) files.push(match[1]!);
  return files;
}

/**
 * The store path of the flake's own source: the one whose `<sub>/flake.nix` Nix evaluated and whose content is
 * this checkout's flake.nix. `sub` is the flake's directory inside the git repository ("" at its top).
 */
function sourceStorePath(evaluated: readonly string[], root: string, sub: string): string | undefined {
  const suffix = `/${sub ? `${sub}/` : ""}flake.nix`;
  let own: string;
  try {
    own = readFileSync(join(root, "flake.nix"), "utf8");
  } catch {
    return undefined;
  }
  for (const file of evaluated) {
    if (!file.endsWith(suffix)) continue;
    const store = file.slice(0, -suffix.length);
    // A store path's last component is <32-char hash>-<name>; the store itself may live anywhere (chroot stores).
    if (!/\/[0-9a-z]{32}-[^/]+$/.test(store)) continue;
    try {
      if (readFileSync(file, "utf8") === own) return store;
    } catch {}
  }
  return undefined;
}

export interface ReadSetRequest {
  /** The flake's directory. */
  root: string;
  /** The git repository's top (Nix copies all of it), or the root outside git. */
  top: string;
  /** Every file Nix can see, relative to `top` with `/` separators (git's tracked files, or the walked tree). */
  tracked: readonly string[];
  /** Files of the checkout Nix evaluated (localEvaluated), or undefined when that is not known. */
  evaluated: readonly string[] | undefined;
  /**
   * Before any evaluation (_source.ts): every .nix file the set reaches is read for references too, not only the
   * imported ones, since Nix may evaluate any of them (`callPackage`, `import (./nix + "/x.nix")`).
   */
  closure?: boolean;
}

/** The store path of the flake's own source in this evaluation, when Nix reported evaluating its flake.nix. */
export function evaluatedSource(nixStderr: string, root: string, top: string): string | undefined {
  return sourceStorePath(evaluatedFiles(nixStderr), root, relative(top, root).split(sep).join("/"));
}

/** The files of this checkout among those Nix evaluated; undefined when the flake's own source copy is not among them. */
export function localEvaluated(nixStderr: string, root: string, top: string): string[] | undefined {
  const evaluated = evaluatedFiles(nixStderr);
  const store = sourceStorePath(evaluated, root, relative(top, root).split(sep).join("/"));
  if (!store) return undefined;
  return evaluated
    .filter((file) => file.startsWith(`${store}/`))
    .map((file) => join(top, file.slice(store.length + 1)));
}

/** What a path reference names for sure: with an interpolation (`./nix/${x}.nix`), the directory before it. */
export function namedPath(ref: Extract<NixRef, { kind: "path" }>): string {
  return ref.dynamic ? ref.path.replace(/\/[^/]*$/, "") || "." : ref.path;
}

export function readSet(request: ReadSetRequest): ReadSet {
  const { root, top } = request;
  const tracked = new Set(request.tracked);
  const files = new Set<string>([join(root, "flake.nix"), join(root, "flake.lock")]);
  const dirs = new Set<string>();
  let wholeTree: string | undefined;
  let selfPaths = false;
  let openPath: string | undefined;
  const queue: string[] = [join(root, "flake.nix"), ...(request.evaluated ?? [])];
  const inTree = (abs: string) => abs === top || abs.startsWith(top + sep);
  const rel = (abs: string) => relative(top, abs).split(sep).join("/");
  // Every directory that holds a tracked file, made on first use: one pass instead of one per reference.
  let trackedDirs: Set<string> | undefined;
  const isDir = (abs: string) => {
    if (abs === top) return tracked.size > 0;
    if (!trackedDirs) {
      trackedDirs = new Set();
      for (const file of tracked)
        for (let slash = file.lastIndexOf("/"); slash > 0; slash = file.lastIndexOf("/", slash - 1)) {
          const dir = file.slice(0, slash);
          if (trackedDirs.has(dir)) break;
          trackedDirs.add(dir);
        }
    }
    return trackedDirs.has(rel(abs));
  };
  const addDir = (abs: string, where: string) => {
    dirs.add(abs);
    if (abs === top || abs === root) wholeTree ??= where;
    if (!request.closure || wholeTree) return;
    const prefix = `${rel(abs)}/`;
    for (const file of tracked) if (file.startsWith(prefix) && file.endsWith(".nix")) queue.push(join(top, file));
  };

  if (!request.evaluated) addDir(top, "Nix did not report evaluating this flake.nix");

  const names = inputsNames(readText(join(root, "flake.nix")) ?? "");
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    files.add(file);
    const text = readText(file);
    if (text === undefined) continue;
    const where = (line: number, column: number, what: string) =>
      `${relative(root, file) || file}:${line}:${column}: ${what}`;
    for (const ref of nixRefs(text, file === join(root, "flake.nix") ? names : [])) {
      if (ref.kind === "self-any") {
        addDir(top, where(ref.line, ref.column, "self"));
        continue;
      }
      if (ref.kind === "open") {
        openPath ??= where(ref.line, ref.column, "dirOf");
        continue;
      }
      if (ref.kind === "self-path") selfPaths = true;
      if (ref.kind === "path" && ref.open) openPath ??= where(ref.line, ref.column, ref.path);
      // A flake in a sub-directory of its repository: `self` is the whole repository's copy (Nix's call-flake
      // gives self the source's outPath), `./x` the flake's directory. For self both are taken, to be safe.
      const bases = ref.kind === "self-path" ? [...new Set([root, top])] : [dirname(file)];
      for (const base of bases) {
        const target = resolve(base, ref.kind === "path" ? namedPath(ref) : ref.path);
        if (!inTree(target)) continue;
        const label = ref.kind === "self-path" ? `self + "/${ref.path}"` : ref.path;
        if (ref.kind === "path" && ref.dynamic) {
          addDir(target, where(ref.line, ref.column, `${label}\${…}`));
          if (tracked.has(rel(target))) files.add(target); // `./run.sh + ""`: the file itself
        } else if (tracked.has(rel(target))) {
          files.add(target);
          // Imported is evaluated whatever its name (`import ./shell.in`); before an evaluation, any .nix file may be.
          if (ref.kind === "path" && (ref.imported || (request.closure && target.endsWith(".nix")))) queue.push(target);
        } else if (isDir(target)) {
          if (ref.kind === "path" && ref.imported && tracked.has(rel(join(target, "default.nix"))))
            queue.push(join(target, "default.nix"));
          else addDir(target, where(ref.line, ref.column, label));
        } else {
          // Not visible to Nix yet: recorded as absent, so creating (and tracking) it counts as a change.
          files.add(target);
        }
      }
    }
  }
  for (const dir of dirs) {
    const prefix = dir === top ? "" : `${rel(dir)}/`;
    for (const file of tracked) if (file.startsWith(prefix)) files.add(join(top, file));
  }
  return {
    files: [...files].sort(),
    dirs: [...dirs].sort(),
    ...(wholeTree ? { wholeTree } : {}),
    ...(selfPaths ? { selfPaths } : {}),
    ...(openPath ? { openPath } : {}),
  };
}

function readText(path: string): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  } catch {
    return undefined;
  }
}
