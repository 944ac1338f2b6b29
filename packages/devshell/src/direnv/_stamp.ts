/**
 * What lets the `.envrc` decide "warm" with no Node and no Nix: per `.envrc` directory, paved keeps
 *   <cache>/direnv/<absolute dir>/env     the environment as bash (what `paved direnv-export` prints on a hit)
 *   <cache>/direnv/<absolute dir>/stamp   a bash function `__paved_fresh` that returns 0 while `env` is current
 * in paved's own cache, never in the repository, so a checkout cannot plant either file.
 *
 * The stamp compares one `stat` of every input (size, mtime and ctime in nanoseconds, inode) with the output paved
 * recorded, checks that the Nix on PATH is the same binary, that absent inputs are still absent and that the GC root
 * is there. paved writes it only from stats it proved match the content it hashed, and only when none of them is
 * racy (changed within two seconds): otherwise `__paved_fresh` returns 2, "ask paved", which checks the content.
 * So the stamp can say "ask" for an unchanged input, never "warm" for a changed one.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicSync, type EntryMeta } from "../shell/_cache.ts";
import { cacheKey, mirrorFiles, mtimeOf, nixCandidate, nixIdentity, statSignature } from "../shell/_fingerprint.ts";
import { quote } from "../shell/_rc.ts";

const STAMP_FORMAT = 1;

/** GNU coreutils first, then BSD/macOS; whichever this machine's `stat` understands is written into the stamp. */
const STAT_FORMATS: string[][] = [
  ["-L", "-c", "%s:%.9Y:%.9Z:%i"],
  ["-L", "-f", "%z:%Fm:%Fc:%i"],
];

function statOutput(files: readonly string[]): { args: string[]; output: string } | undefined {
  for (const args of STAT_FORMATS) {
    const result = spawnSync("stat", [...args, "--", ...files], { encoding: "utf8" });
    if (result.status !== 0 || result.error) continue;
    const output = result.stdout.replace(/\n+$/, "");
    if (output.split("\n").length === files.length) return { args, output };
  }
  return undefined;
}

/** A stamp that always says "ask paved". */
export const ASK_STAMP = `# Written by paved (stamp format ${STAMP_FORMAT}): no stat can be trusted yet; paved checks the content.\n__paved_fresh() { return 2; }\n`;

/** What a stamp checks besides the entry's inputs: more files by stat or by absence, and tests of its own. */
export interface StampExtra {
  present?: readonly string[];
  absent?: readonly string[];
  tests?: readonly string[];
  /** statSignature each `present` file must still have once the stamp's stat ran (what the caller verified). */
  signatures?: Readonly<Record<string, string>>;
}

export interface StampContext {
  meta: EntryMeta;
  entryDir: string;
  parts: { root: string; shell: string; nixpkgs?: string; system: string };
}

/**
 * The stamp for an entry whose inputs paved has just verified. Returns ASK_STAMP when a stat is racy, `stat`
 * cannot be run, or anything moved while the stamp was being made.
 */
export function renderStamp({ meta, parts, entryDir }: StampContext, extra: StampExtra = {}): string {
  if (meta.inputs.some((input) => !input.stat)) return ASK_STAMP;
  const nix = nixCandidate();
  const nixId = nixIdentity();
  if (!nix || nixId !== meta.nix.id) return ASK_STAMP;
  // The key as recorded is the key of the files as they are now: this is the state the stat below must see.
  if (cacheKey({ ...parts, nixId, inputs: meta.inputs }) !== meta.key) return ASK_STAMP;
  const present = meta.inputs.filter((input) => input.hash !== "absent").map((input) => input.path);
  const absent = meta.inputs.filter((input) => input.hash === "absent").map((input) => input.path);
  const mirror = mirrorFiles(parts.nixpkgs);
  present.push(...mirror.present, ...(extra.present ?? []));
  absent.push(...mirror.absent, ...(extra.absent ?? []));
  // The read set can grow only through files git starts to track: with directories read whole or inputs not
  // there yet, the index is part of the stamp (outside git, the directories' own mtimes are).
  if (meta.gitIndex && (absent.length > 0 || (meta.readDirs ?? []).length > 0)) present.push(meta.gitIndex.path);
  present.push(...(meta.dirs ?? []).map((dir) => dir.path));
  const stat = statOutput([nix, ...present]);
  if (!stat) return ASK_STAMP;
  // Nothing moved between the check and the stat: then the stat describes the verified content.
  const moved =
    nixIdentity() !== nixId ||
    meta.inputs.some((input) => statSignature(input.path) !== (input.hash === "absent" ? "absent" : input.stat)) ||
    (meta.gitIndex !== undefined && mtimeOf(meta.gitIndex.path) !== meta.gitIndex.mtimeMs) ||
    (meta.dirs ?? []).some((dir) => mtimeOf(dir.path) !== dir.mtimeMs) ||
    Object.entries(extra.signatures ?? {}).some(([path, signature]) => statSignature(path) !== signature);
  if (moved) return ASK_STAMP;
  const tests = [
    `[ "$__paved_n" = ${quote(nix)} ]`,
    // The GC root of the environment: gone when paved pruned the entry, and then the store paths may be too.
    `[ -e ${quote(join(entryDir, "profile"))} ]`,
    ...(extra.tests ?? []),
    ...absent.map((path) => `[ ! -e ${quote(path)} ] && [ ! -L ${quote(path)} ]`),
    `[ "$(exec stat ${stat.args.map(quote).join(" ")} -- "$__paved_n" ${present.map(quote).join(" ")} 2>/dev/null)" = ${quote(stat.output)} ]`,
  ];
  return [
    `# Written by paved (stamp format ${STAMP_FORMAT}) for ${meta.root}#${meta.shell}, environment ${meta.id}.`,
    "# Returns 0 while every input has the size, times and inode paved verified; 1 when one changed; never edit.",
    "__paved_fresh() {",
    "  local __paved_n=${PAVED_NIX:-}",
    '  [ -n "$__paved_n" ] || { hash nix 2>/dev/null && __paved_n=${BASH_CMDS[nix]}; } || return 1',
    `  ${tests.join(" &&\n  ")} || return 1`,
    "}",
    "",
  ].join("\n");
}

export interface DirenvFiles {
  dir: string;
  env: string;
  stamp: string;
  notice: string;
  failed: string;
  lock: string;
  log: string;
  /** The `.envrc`'s cache of direnv's watch list (see _export.ts). */
  watches: string;
}

export function direnvFiles(dir: string): DirenvFiles {
  return {
    dir,
    env: join(dir, "env"),
    stamp: join(dir, "stamp"),
    notice: join(dir, "notice"),
    failed: join(dir, "failed.json"),
    lock: join(dir, "lock"),
    log: join(dir, "background.log"),
    watches: join(dir, "watches"),
  };
}

/** The environment first, then the stamp that vouches for it: a reader never sees a stamp newer than its env. */
export function writeWarm(files: DirenvFiles, envText: string, stamp: string): void {
  // The cached watch list records the stamp's mtime, which is about to change.
  rmSync(files.watches, { force: true });
  writeFileAtomicSync(files.env, envText);
  writeFileAtomicSync(files.stamp, stamp);
}
