/**
 * What the shell should offer after `paved WORDS… CURRENT`: computed here, from the same command tables commander
 * is built from, so the scripts of _scripts.ts stay thin and never go stale. Names that live in the repository
 * (shells, hosts, rollouts) come from `Facts`, read only when a position asks for them.
 */
import type { CommandSpec, OptionSpec, ValueKind } from "../_define.ts";

interface Candidate {
  value: string;
  description?: string;
}

/** Candidates, or "let the shell complete paths" (files, directories) or "complete as a command line" (after --). */
export type Completion = { candidates: Candidate[] } | { paths: "files" | "dirs" } | { commands: true };

/** Repository names, looked up from `dir` (the -C/--dir already typed, else the current directory). */
export interface Facts {
  names(kind: "shell" | "host" | "rollout", dir: string | undefined): Promise<string[]>;
}

interface FlagInfo {
  names: string[];
  description: string;
  takesValue: boolean;
  kind: ValueKind;
  choices?: readonly string[];
}

interface Node {
  children: Map<string, Node>;
  spec?: CommandSpec;
  summary: string;
}

const GLOBALS: FlagInfo[] = [
  { names: ["--json"], description: "print machine-readable JSON on stdout", takesValue: false, kind: "text" },
  { names: ["-C", "--dir"], description: "run as if started in <path>", takesValue: true, kind: "dir" },
  { names: ["-q", "--quiet"], description: "print only errors", takesValue: false, kind: "text" },
  {
    names: ["-v", "--verbose"],
    description: "print Nix output and stack traces on errors",
    takesValue: false,
    kind: "text",
  },
  { names: ["-h", "--help"], description: "display help for command", takesValue: false, kind: "text" },
];

function flagInfo(spec: OptionSpec): FlagInfo {
  const names = spec.flags.split(/[ ,|]+/).filter((word) => word.startsWith("-"));
  const takesValue = /[<[]/.test(spec.flags);
  return {
    names,
    description: spec.description,
    takesValue,
    kind: spec.kind === "value" || spec.kind === "list" ? spec.complete : "text",
    ...(spec.kind === "value" && spec.choices ? { choices: spec.choices } : {}),
  };
}

function tree(specs: readonly CommandSpec[]): Node {
  const root: Node = { children: new Map(), summary: "" };
  for (const spec of specs) {
    let node = root;
    for (const word of spec.name.split(" ")) {
      let child = node.children.get(word);
      if (!child) {
        child = { children: new Map(), summary: "" };
        node.children.set(word, child);
      }
      node = child;
    }
    node.spec = spec;
    node.summary = spec.summary;
  }
  for (const node of root.children.values()) {
    if (!node.spec) node.summary = `Subcommands: ${[...node.children.keys()].join(", ")}`;
  }
  return root;
}

function flagsOf(node: Node, atRoot: boolean): FlagInfo[] {
  const own = Object.values(node.spec?.options ?? {}).map(flagInfo);
  const version: FlagInfo[] = atRoot
    ? [{ names: ["-V", "--version"], description: "output the version number", takesValue: false, kind: "text" }]
    : [];
  return [...own, ...GLOBALS, ...version];
}

function matching(candidates: Candidate[], current: string): Completion {
  return { candidates: candidates.filter((candidate) => candidate.value.startsWith(current)) };
}

async function valuesOf(
  kind: ValueKind,
  choices: readonly string[] | undefined,
  facts: Facts,
  dir: string | undefined,
  current: string,
): Promise<Completion> {
  if (choices)
    return matching(
      choices.map((value) => ({ value })),
      current,
    );
  if (kind === "file") return { paths: "files" };
  if (kind === "dir") return { paths: "dirs" };
  if (kind === "shell" || kind === "host" || kind === "rollout") {
    const names = await facts.names(kind, dir);
    return matching(
      names.map((value) => ({ value, description: kind })),
      current,
    );
  }
  return { candidates: [] };
}

/** `words` are the words after `paved`; the last one is the word being completed (empty after a space). */
export async function complete(
  specs: readonly CommandSpec[],
  words: readonly string[],
  facts: Facts,
): Promise<Completion> {
  const root = tree(specs.filter((spec) => !spec.hidden));
  const current = words.at(-1) ?? "";
  let node = root;
  let positional = 0;
  let pending: FlagInfo | undefined;
  let dir: string | undefined;
  let afterDash: number | undefined;
  for (const word of words.slice(0, -1)) {
    if (afterDash !== undefined) {
      afterDash++;
      continue;
    }
    if (pending) {
      if (pending.names.includes("--dir")) dir = word;
      pending = undefined;
      continue;
    }
    if (word === "--") {
      afterDash = 0;
      continue;
    }
    if (word.startsWith("-")) {
      const [name, inline] = word.split("=", 2);
      const known = flagsOf(node, node === root).find((flag) => flag.names.includes(name!));
      if (known?.names.includes("--dir") && inline !== undefined) dir = inline;
      if (known?.takesValue && inline === undefined) pending = known;
      continue;
    }
    const child = positional === 0 ? node.children.get(word) : undefined;
    if (child) node = child;
    else positional++;
  }
  // After `--` comes the user's own command line (`paved shell -- CMD ARGS…`): a command, then its arguments.
  if (afterDash !== undefined)
    return node.spec?.rest === undefined
      ? { candidates: [] }
      : afterDash === 0
        ? { commands: true }
        : { paths: "files" };
  if (pending) return valuesOf(pending.kind, pending.choices, facts, dir, current);
  if (current.startsWith("-")) {
    const candidates = flagsOf(node, node === root).flatMap((flag) =>
      flag.names
        .filter((name) => name.startsWith("--") || flag.names.length === 1)
        .map((value) => ({ value, description: flag.description })),
    );
    return matching(candidates, current);
  }
  const candidates: Candidate[] = [];
  if (positional === 0) {
    for (const [name, child] of node.children) candidates.push({ value: name, description: child.summary });
  }
  const args = Object.values(node.spec?.args ?? {});
  const arg = args[positional] ?? (args.at(-1)?.kind === "variadic" ? args.at(-1) : undefined);
  if (arg) {
    const values = await valuesOf(arg.complete, arg.choices, facts, dir, current);
    if (!("candidates" in values)) return candidates.length > 0 ? matching(candidates, current) : values;
    candidates.push(...values.candidates);
  }
  return matching(candidates, current);
}
