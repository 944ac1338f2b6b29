/**
 * What Nix evaluates on the cold path. Before a flake evaluates, Nix copies all of its source into the store: every
 * file git tracks, in the whole repository. In a large checkout that copy is most of a cold `nix develop`, and none
 * of it matters to a dev shell that reads flake.nix and two files beside it.
 *
 * So when the flake's own text shows which files its evaluation can read (_readset.ts, before any evaluation: no
 * `self` used as a path, no `./.`, nothing above the flake's directory), paved gives Nix a tree of exactly those
 * files, as they are now, with their modes and symlinks, as a `path:` flake. The evaluation is the same one: each
 * path it can name has the same content (so a directory it copies to the store gets the same store path), and what
 * it cannot name is not there. The checkout itself is evaluated instead when:
 * - a path is worked out while evaluating (`toString ./x`, `dirOf`, `./nix + "/${x}"`: nixRefs' `open`), so it
 *   could lead out of what the text names;
 * - a symlink in the tree points at something the tree would not hold;
 * - the tree would not be much smaller than what Nix copies anyway (copying it would cost more than it saves);
 * - the flake is below its repository's top and names `self + "/x"` (self is the repository there in Nix 2.8,
 *   the flake's directory in later versions);
 * - the lock file has an input relative to the flake, or the repository has submodules;
 * - outside git, it names something the walk of files does not list (an empty directory), or git refuses the
 *   repository; in git, git could hand Nix other bytes than the work tree holds (gitBytesDiffer);
 * - Nix fails on the tree for any reason (a lock that needs updating: `--no-update-lock-file`, a file the text did
 *   not show): the checkout then runs as `nix develop` would, and its error is the one reported;
 * - after the evaluation, the files Nix reported reading are not all in the tree (checked by the caller);
 * - the tree's own store path shows in anything the evaluation made (treeStorePathUsed). A path inside the source
 *   turned into a string without being copied (`let p = ./x; in toString p`, `"${self}/x"` as a value, a lib
 *   function doing either) names `/nix/store/<hash>-source/x`, and that hash is the hash of everything in the source. No
 *   static reading can follow such a value through functions and variables; the derivations can be searched.
 * Files are copied, not hard-linked: a new link changes the original's ctime, which the cache's stamps compare.
 */
import { constants, copyFileSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { exec } from "@paved/core";
import type { Visible } from "./_inputs.ts";
import { inputsNames, nixRefs } from "./_nixrefs.ts";
import { namedPath, readSet } from "./_readset.ts";

export type SourcePlan =
  /** `files`: relative to the flake's directory, `/`-separated; `checkoutFiles`: how many Nix would copy instead. */
  { kind: "tree"; files: string[]; checkoutFiles: number } | { kind: "checkout"; why: string };

/** Paths Nix takes in a `path:` URL as they are; anything else (spaces, `?`, `#`, `%`) evaluates the checkout. */
const PLAIN_PATH = /^\/[A-Za-z0-9._~/+=@,-]*$/;

/** A tree pays off when it costs less than half of what Nix copies from the checkout (a file costs its size + 4 KiB). */
const FILE_COST = 4096;

/**
 * Why the checkout itself must be evaluated, read from flake.nix alone (no git, no listing): `self` as a path or
 * `./.`. Said before listing the tree, so such a flake's Nix starts as early as `nix develop` would.
 */
export function checkoutOnly(root: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, "flake.nix"), "utf8");
  } catch {
    return "flake.nix cannot be read";
  }
  const whole = (line: number, column: number, what: string) =>
    `it depends on every tracked file (flake.nix:${line}:${column}: ${what})`;
  for (const ref of nixRefs(text, inputsNames(text))) {
    if (ref.kind === "self-any") return whole(ref.line, ref.column, "self");
    if (ref.kind !== "path") continue;
    if (resolve(root, namedPath(ref)) === root) return whole(ref.line, ref.column, ref.path);
  }
  return undefined;
}

export async function planSource(root: string, visible: Visible, treeDir: string): Promise<SourcePlan> {
  try {
    const planned = plan(root, visible, treeDir);
    if (planned.kind !== "tree" || !visible.gitIndex) return planned;
    const why = await gitBytesDiffer(root, visible, planned.files);
    return why ? { kind: "checkout", why: `Nix may read other bytes than the work tree holds (${why})` } : planned;
  } catch (error) {
    // A file paved cannot stat or read is Nix's to report, from the checkout.
    return { kind: "checkout", why: `cannot plan a tree: ${(error as Error).message}` };
  }
}

function plan(root: string, visible: Visible, treeDir: string): SourcePlan {
  if (!PLAIN_PATH.test(treeDir)) return { kind: "checkout", why: `the cache path ${treeDir} is not plain` };
  const { top, tracked } = visible;
  if (tracked.includes(".gitmodules")) return { kind: "checkout", why: "the repository has submodules" };
  if (visible.quirk)
    return { kind: "checkout", why: `Nix may read other bytes than the work tree holds (${visible.quirk})` };
  const lockProblem = relativeLockInput(join(root, "flake.lock"));
  if (lockProblem) return { kind: "checkout", why: lockProblem };
  const set = readSet({ root, top, tracked, evaluated: [], closure: true });
  if (set.wholeTree) return { kind: "checkout", why: `it depends on every tracked file (${set.wholeTree})` };
  if (set.openPath) return { kind: "checkout", why: `a path is worked out while evaluating (${set.openPath})` };
  if (set.selfPaths && root !== top)
    return { kind: "checkout", why: 'self + "/…" below the top is the repository in some Nix versions' };
  // Outside git, Nix copies directories as they are, empty ones included; a tree made of files would lack those.
  if (!visible.gitIndex && set.dirs.length > 0)
    return { kind: "checkout", why: `outside git it reads ${relative(top, set.dirs[0]!) || "."} as a whole` };
  const visibleSet = new Set(tracked);
  const files: string[] = [];
  const links: string[] = [];
  let cost = 0;
  for (const file of set.files) {
    const fromTop = relative(top, file).split(sep).join("/");
    if (!visibleSet.has(fromTop)) {
      // Nix cannot see it from the checkout either, unless through a symlink the tree would not have.
      const link = symlinkAncestor(top, fromTop);
      if (link) return { kind: "checkout", why: `it names ${fromTop} through the symlink ${link}` };
      // Outside git, Nix copies what is there, empty directories too; the walk lists files only.
      if (!visible.gitIndex && lstatSync(file, { throwIfNoEntry: false }))
        return { kind: "checkout", why: `it names ${fromTop}, which Nix sees outside git and a tree would not` };
      continue;
    }
    const fromRoot = relative(root, file).split(sep).join("/");
    if (fromRoot.startsWith("../"))
      return { kind: "checkout", why: `it reads ${fromTop}, outside the flake's directory` };
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return { kind: "checkout", why: `${fromTop} is a directory git tracks as one entry` };
    if (!stat) continue;
    files.push(fromRoot);
    if (stat.isSymbolicLink()) links.push(fromRoot);
    cost += stat.size + FILE_COST;
  }
  // A link is kept as a link: what it points at must be in the tree as in the checkout, or it would read otherwise.
  const planned = new Set(files);
  const wholeDirs = new Set(set.dirs.map((dir) => relative(root, dir).split(sep).join("/")));
  for (const link of links) {
    const target = readlinkSync(join(root, link));
    const at = posix.normalize(posix.join(posix.dirname(link), target));
    if (target.startsWith("/") || !(planned.has(at) || wholeDirs.has(at)))
      return { kind: "checkout", why: `the symlink ${link} points at ${target}, which the tree would not hold` };
  }
  // What Nix would copy from the checkout, summed only until it is clearly more.
  let checkoutCost = 0;
  for (const file of tracked) {
    if (checkoutCost > 2 * cost) break;
    const stat = lstatSync(join(top, file), { throwIfNoEntry: false });
    if (stat) checkoutCost += stat.size + FILE_COST;
  }
  if (checkoutCost <= 2 * cost) return { kind: "checkout", why: "it reads most of what Nix would copy anyway" };
  return { kind: "tree", files, checkoutFiles: tracked.length };
}

/** Attributes with which git hands out other bytes than the work tree's, whatever the line ends. */
const BYTE_ATTRIBUTES = new Set(["export-subst", "export-ignore", "filter", "ident", "working-tree-encoding"]);
/** Attributes that convert line ends: harmless for a file with no carriage return in the work tree. */
const EOL_ATTRIBUTES = new Set(["text", "eol", "crlf"]);

/**
 * Why git could give Nix other bytes for these files than the work tree holds. A clean checkout is read from HEAD
 * (through `git archive` in Nix 2.8), which applies attributes and ignores what the work tree says; so: index flags,
 * every attribute git applies to the files (from any .gitattributes, tracked or not, info/attributes, the user's
 * and the system's files: `git check-attr` knows them all), and converted line ends.
 */
async function gitBytesDiffer(root: string, visible: Visible, files: readonly string[]): Promise<string | undefined> {
  const paths = files.map((file) => relative(visible.top, join(root, file)).split(sep).join("/"));
  const flagged = new Set(visible.flagged);
  const ignored = paths.find((path) => flagged.has(path));
  if (ignored) return `git is told not to look at ${ignored}`;
  const checked = await exec(["git", "check-attr", "-a", "-z", "--stdin"], {
    cwd: visible.top,
    input: `${paths.join("\0")}\0`,
  });
  if (checked.exitCode !== 0) return "git check-attr failed";
  const eol = new Set(visible.eolConverted ? paths : []);
  const fields = checked.stdout.split("\0");
  for (let at = 0; at + 2 < fields.length; at += 3) {
    const [path, attribute, value] = [fields[at]!, fields[at + 1]!, fields[at + 2]!];
    if (value === "unspecified" || value === "unset") continue;
    if (BYTE_ATTRIBUTES.has(attribute)) return `${path} has ${attribute}`;
    if (EOL_ATTRIBUTES.has(attribute)) eol.add(path);
  }
  for (const path of eol)
    if (readFileSync(join(visible.top, path)).includes(13)) return `${path} has carriage returns git converts`;
  return undefined;
}

/** The nearest directory above `fromTop` (inside `top`) that is a symlink. */
function symlinkAncestor(top: string, fromTop: string): string | undefined {
  const parts = fromTop.split("/");
  for (let end = 1; end < parts.length; end++) {
    const dir = parts.slice(0, end).join("/");
    const stat = lstatSync(join(top, dir), { throwIfNoEntry: false });
    if (!stat) return undefined;
    if (stat.isSymbolicLink()) return dir;
  }
  return undefined;
}

/** An input locked relative to the flake (`path:./sub`, `git+file:..`): the same path would not exist in a tree. */
function relativeLockInput(lockPath: string): string | undefined {
  let lock: {
    nodes?: Record<string, { locked?: Record<string, unknown>; original?: Record<string, unknown>; parent?: unknown }>;
  };
  try {
    lock = JSON.parse(readFileSync(lockPath, "utf8"));
  } catch {
    return undefined; // No lock (Nix will want to write one: the tree run fails and the checkout runs) or unreadable.
  }
  for (const [name, node] of Object.entries(lock.nodes ?? {})) {
    if (node.parent !== undefined) return `the input ${name} is relative to the flake`;
    for (const ref of [node.locked, node.original]) {
      const relativePath = typeof ref?.path === "string" && !ref.path.startsWith("/");
      const relativeUrl = typeof ref?.url === "string" && /^(?:(?:path|git\+file):(?!\/)|\.)/.test(ref.url);
      if (relativePath || relativeUrl) return `the input ${name} is relative to the flake`;
    }
  }
  return undefined;
}

/** Makes the tree at `dir` (which must not exist) and returns the flake reference Nix evaluates. */
export function buildTree(root: string, files: readonly string[], dir: string): string {
  mkdirSync(dir, { recursive: true });
  const made = new Set<string>([dir]);
  for (const file of files) {
    const from = join(root, file);
    const to = join(dir, file);
    const parent = dirname(to);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    // The mode comes along (Nix records the executable bit); a reflink where the file system has them.
    else copyFileSync(from, to, constants.COPYFILE_FICLONE);
  }
  return `path:${dir}`;
}

/** Whether every visible file in a read set (absolute paths) was in the tree. */
export function treeHolds(
  root: string,
  files: readonly string[],
  readFiles: readonly string[],
  visible: Visible,
): boolean {
  const inTree = new Set(files);
  const seen = new Set(visible.tracked);
  return readFiles.every((file) => {
    if (!seen.has(relative(visible.top, file).split(sep).join("/"))) return true;
    return inTree.has(relative(root, file).split(sep).join("/"));
  });
}

/** Paths no bigger than this that derivations reference are read too: `builtins.toFile` text may name the source. */
const REFERENCED_FILE_LIMIT = 1 << 20;

/**
 * Where the tree's store path shows in what the evaluation made: every derivation Nix reported instantiating (Nix
 * names them at -vvv), the small files they reference (`builtins.toFile`), and the environment itself. Nothing
 * reported means nothing to search, which is not a proof: that says so too.
 */
export function treeStorePathUsed(source: string, envJson: string, nixStderr: string): string | undefined {
  const hash = /\/([0-9a-z]{32})-[^/]+$/.exec(source)?.[1];
  if (!hash) return `cannot read the hash of ${source}`;
  if (envJson.includes(hash)) return "the environment names it";
  const derivations = [...nixStderr.matchAll(/^instantiated '.*' -> '(\/[^']+\.drv)'$/gm)].map((match) => match[1]!);
  if (derivations.length === 0) return "Nix named no derivation";
  const storePath = new RegExp(`${escapeRegExp(dirname(source))}/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+`, "g");
  // Derivations, then the small files any of them (or those files) name: a toFile inside a toFile is searched too.
  const queue = [...derivations];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const path = queue.shift()!;
    let text: string;
    if (path.endsWith(".drv")) {
      try {
        text = readFileSync(path, "utf8");
      } catch {
        return `cannot read ${path}`;
      }
    } else {
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.size > REFERENCED_FILE_LIMIT) continue;
      text = readFileSync(path, "utf8");
    }
    if (text.includes(hash)) return `${path} names it`;
    for (const match of text.matchAll(storePath)) {
      const named = match[0];
      // Other derivations are on Nix's list already, or were not made by this evaluation.
      if (seen.has(named) || named.endsWith(".drv")) continue;
      seen.add(named);
      queue.push(named);
    }
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
