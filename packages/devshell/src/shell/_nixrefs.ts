/**
 * What a Nix file can read from its own source tree, found in its text: path literals (`./hook.sh`, `./.`,
 * `nix/tools.nix`, `./modules/${name}.nix`) and the flake's `self` used as a path (`self + "/x"`, `"${self}/x"`).
 * Nix itself reports which files it *evaluated* (see _readset.ts); this finds the files those evaluations can read
 * without evaluating them (readFile, fromJSON, fromTOML, builtins.path, src = ./…, lib.fileset), which Nix does not
 * report. A lexer, not a parser: strings and comments are skipped so a path inside them is not a read, and
 * interpolations inside strings are code again.
 */

export type NixRef =
  /** A path literal; `dynamic` when an interpolation follows (`./nix/${x}.nix`: only the prefix is known). */
  | {
      kind: "path";
      path: string;
      dynamic: boolean;
      imported: boolean;
      /**
       * The path may lead elsewhere at evaluation time: built with `+` or `${…}`, or handed to something other than
       * a reader (`toString`, `dirOf`, any function), which could climb out of it or inspect the source's own path.
       */
      open?: boolean;
      line: number;
      column: number;
    }
  /** `self + "/x"` or `"${self}/x"`: a file or directory of the flake's own tree. */
  | { kind: "self-path"; path: string; line: number; column: number }
  /** `self` (or the whole inputs set) used in a way that can reach any file of the tree. */
  | { kind: "self-any"; line: number; column: number }
  /** `dirOf` of a value: a path's parent, wherever that path came from, so anything beside it may be listed. */
  | { kind: "open"; line: number; column: number };

interface Token {
  type: "path" | "ident" | "str" | "interp" | "close" | "op";
  text: string;
  offset: number;
  /** For path tokens: an interpolation follows directly. */
  dynamic?: boolean;
}

const PATH =
  /(?:[a-zA-Z0-9._+-]*(?:\/[a-zA-Z0-9._+-]+)+\/?)|(?:~(?:\/[a-zA-Z0-9._+-]+)+\/?)|(?:<[a-zA-Z0-9._+-]+(?:\/[a-zA-Z0-9._+-]+)*>)/y;
const PATH_PREFIX = /[a-zA-Z0-9._+-]*(?:\/[a-zA-Z0-9._+-]+)*\/(?=\$\{)/y;
const URI = /[a-zA-Z][a-zA-Z0-9+.-]*:[a-zA-Z0-9%/?:@&=+$,_.!~*'-]+/y;
const IDENT = /[a-zA-Z_][a-zA-Z0-9_'-]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?/y;

function sticky(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

/** Tokens of code, with string contents as `str` tokens and interpolations as `interp` … `close`. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // Each entry: what closes the current context. "code" braces count nesting inside an interpolation.
  const stack: ({ kind: "interp"; depth: number } | { kind: "dq" } | { kind: "ind" })[] = [];
  let i = 0;
  let chunk = "";
  let chunkStart = 0;
  const flushString = () => {
    if (chunk !== "") tokens.push({ type: "str", text: chunk, offset: chunkStart });
    chunk = "";
  };
  while (i < text.length) {
    const top = stack.at(-1);
    if (top && top.kind !== "interp") {
      // Inside a string.
      if (chunk === "") chunkStart = i;
      if (top.kind === "dq") {
        if (text[i] === "\\") {
          chunk += text[i + 1] ?? "";
          i += 2;
          continue;
        }
        if (text[i] === '"') {
          flushString();
          tokens.push({ type: "op", text: '"', offset: i });
          stack.pop();
          i++;
          continue;
        }
      } else {
        if (text.startsWith("'''", i)) {
          chunk += "''";
          i += 3;
          continue;
        }
        if (text.startsWith("''$", i)) {
          chunk += "$";
          i += 3;
          continue;
        }
        if (text.startsWith("''\\", i)) {
          chunk += text[i + 3] ?? "";
          i += 4;
          continue;
        }
        if (text.startsWith("''", i)) {
          flushString();
          tokens.push({ type: "op", text: "''", offset: i });
          stack.pop();
          i += 2;
          continue;
        }
      }
      // `$` before anything but `{` is text, and takes that character with it: `$${` is not an interpolation.
      if (text.startsWith("$$", i)) {
        chunk += "$$";
        i += 2;
        continue;
      }
      if (text.startsWith("${", i)) {
        flushString();
        tokens.push({ type: "interp", text: "${", offset: i });
        stack.push({ kind: "interp", depth: 0 });
        i += 2;
        continue;
      }
      chunk += text[i];
      i++;
      continue;
    }
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (c === '"') {
      tokens.push({ type: "op", text: c, offset: i });
      stack.push({ kind: "dq" });
      i++;
      continue;
    }
    if (text.startsWith("''", i)) {
      tokens.push({ type: "op", text: "''", offset: i });
      stack.push({ kind: "ind" });
      i += 2;
      continue;
    }
    if (text.startsWith("${", i)) {
      tokens.push({ type: "interp", text: "${", offset: i });
      stack.push({ kind: "interp", depth: 0 });
      i += 2;
      continue;
    }
    if (c === "{" && top?.kind === "interp") {
      top.depth++;
      tokens.push({ type: "op", text: c, offset: i });
      i++;
      continue;
    }
    if (c === "}" && top?.kind === "interp") {
      if (top.depth === 0) {
        stack.pop();
        tokens.push({ type: "close", text: c, offset: i });
        i++;
        continue;
      }
      top.depth--;
      tokens.push({ type: "op", text: c, offset: i });
      i++;
      continue;
    }
    const path = sticky(PATH, text, i);
    if (path && !path.startsWith("//")) {
      const dynamic =
        text.startsWith("${", i + path.length) || (path.endsWith("/") && text.startsWith("${", i + path.length));
      tokens.push({ type: "path", text: path, offset: i, dynamic });
      i += path.length;
      continue;
    }
    const prefix = sticky(PATH_PREFIX, text, i);
    if (prefix) {
      tokens.push({ type: "path", text: prefix, offset: i, dynamic: true });
      i += prefix.length;
      continue;
    }
    const uri = sticky(URI, text, i);
    if (uri?.includes(":") && !/^[a-zA-Z_][a-zA-Z0-9_'-]*:$/.test(uri)) {
      tokens.push({ type: "str", text: uri, offset: i });
      i += uri.length;
      continue;
    }
    const ident = sticky(IDENT, text, i);
    if (ident) {
      tokens.push({ type: "ident", text: ident, offset: i });
      i += ident.length;
      continue;
    }
    const number = sticky(NUMBER, text, i);
    if (number) {
      i += number.length;
      continue;
    }
    tokens.push({ type: "op", text: c, offset: i });
    i++;
  }
  return tokens;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, column: offset - last };
}

/** Names that read a file or a directory's default.nix, so a directory literal after them is not the whole directory. */
const IMPORTERS = new Set(["import", "callPackage", "scopedImport"]);

/**
 * `self.<name>` reaching into the tree rather than into the flake's outputs: the source itself, and what Nix knows
 * of it (its hash, revision and time), which differ between two copies of the same files.
 */
const SELF_SOURCE_ATTRS = new Set([
  "outPath",
  "sourceInfo",
  "_type",
  "narHash",
  "lastModified",
  "lastModifiedDate",
  "rev",
  "shortRev",
  "dirtyRev",
  "dirtyShortRev",
  "revCount",
  "submodules",
]);

/** Names that only read what a path names (its content, its listing, whether it exists) or copy it whole. */
const READERS = new Set([
  "import",
  "callPackage",
  "scopedImport",
  "readFile",
  "pathExists",
  "readDir",
  "importJSON",
  "importTOML",
  "cleanSource",
  "maybeMissing",
]);

/**
 * Whether a path literal after `prev` is only read or copied: an attribute's value, a list element, an
 * interpolation (which copies it), a lambda's or branch's body, or a reader's argument.
 */
function readBy(prev: Token | undefined): boolean {
  if (!prev) return false;
  if (prev.type === "interp" || prev.type === "path") return true;
  if (prev.type === "op") return ["=", "[", ":", ";"].includes(prev.text);
  return prev.type === "ident" && (READERS.has(prev.text) || ["then", "else", "in"].includes(prev.text));
}

/** `dirOf` of a path literal is its directory. */
const DIR_OF = new Set(["dirOf", "__dirOf"]);

/** Builtins that give the file a value was written in (a path into the tree, with no path literal in sight). */
const POSITION_BUILTINS = new Set(["__curPos", "unsafeGetAttrPos", "__unsafeGetAttrPos"]);

/** Everything in `text` that may read files of its own tree. `inputsNames` are names bound to the whole inputs set. */
export function nixRefs(text: string, inputsNames: readonly string[] = []): NixRef[] {
  const tokens = tokenize(text);
  const refs: NixRef[] = [];
  const at = (offset: number) => position(text, offset);
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    if (token.type === "path") {
      if (token.text.startsWith("<") || token.text.startsWith("~") || token.text.startsWith("/")) continue;
      const where = {
        ...at(token.offset),
        ...(token.dynamic || !readBy(prev) || (next?.type === "op" && next.text === "+") ? { open: true } : {}),
      };
      // `./nix + "/x"`: whatever is below the path; with `..` in what is added, anything.
      if (next?.type === "op" && next.text === "+") {
        const added = tokens[k + 2]?.type === "op" && tokens[k + 2]!.text === '"' ? tokens[k + 3] : undefined;
        if (added?.type === "str" && added.text.includes("..")) refs.push({ kind: "self-any", ...where });
        else refs.push({ kind: "path", path: `${token.text}/`, dynamic: true, imported: false, ...where });
        continue;
      }
      // `dirOf ./nix/tools.nix` is the directory `./nix`, and may be copied or listed as a whole.
      if (prev?.type === "ident" && DIR_OF.has(prev.text)) {
        const parent = token.text.replace(/\/+$/, "").replace(/\/[^/]*$/, "");
        refs.push({
          kind: "path",
          path: parent === token.text || parent === "" ? "." : parent,
          dynamic: false,
          imported: false,
          ...where,
        });
        continue;
      }
      const imported = prev?.type === "ident" && IMPORTERS.has(prev.text);
      refs.push({ kind: "path", path: token.text, dynamic: token.dynamic === true, imported, ...where });
      continue;
    }
    if (token.type !== "ident") continue;
    if (DIR_OF.has(token.text) && next?.type !== "path") {
      refs.push({ kind: "open", ...at(token.offset) });
      continue;
    }
    if (POSITION_BUILTINS.has(token.text)) {
      refs.push({ kind: "self-any", ...at(token.offset) });
      continue;
    }
    const isSelf = token.text === "self";
    const isInputs = inputsNames.includes(token.text);
    if (!isSelf && !isInputs) continue;
    // Attribute names and formals are not uses: `{ self, nixpkgs }:`, `x.self`, `self = …`, `self: super:`.
    if (prev?.type === "op" && prev.text === "." && !isInputs) {
      const owner = tokens[k - 2];
      if (!(owner?.type === "ident" && inputsNames.includes(owner.text))) continue;
    }
    // `self ? rev` asks what Nix knows of the source; `{ self ? null }` would be a formal, which flakes do not write.
    if (next?.type === "op" && next.text === "?" && isSelf) {
      refs.push({ kind: "self-any", ...at(token.offset) });
      continue;
    }
    if (next?.type === "op" && [",", "?", "=", "@"].includes(next.text)) continue;
    if (next?.type === "op" && next.text === ":") continue;
    if (next?.type === "op" && next.text === "}" && prev?.type === "op" && [",", "{"].includes(prev.text)) continue;
    if (prev?.type === "op" && prev.text === "@") continue;
    if (isInputs && !isSelf) {
      // inputs.nixpkgs is fine; inputs.self is handled when the loop reaches `self`; bare `inputs` can reach self,
      // and so can `inputs."self"` or `inputs.${name}`.
      if (next?.type === "op" && next.text === "." && tokens[k + 2]?.type === "ident") continue;
      refs.push({ kind: "self-any", ...at(token.offset) });
      continue;
    }
    if (next?.type === "op" && next.text === ".") {
      const attr = tokens[k + 2];
      if (attr?.type === "ident" && !SELF_SOURCE_ATTRS.has(attr.text)) continue;
      refs.push({ kind: "self-any", ...at(token.offset) });
      continue;
    }
    // self + "/x"
    if (next?.type === "op" && next.text === "+" && tokens[k + 2]?.type === "op" && tokens[k + 2]!.text === '"') {
      const str = tokens[k + 3];
      if (str?.type === "str" && str.text.startsWith("/") && str.text.length > 1 && tokens[k + 4]?.type === "op") {
        // `self + "/nix/../x"` climbs: anything in the tree.
        if (str.text.split("/").includes("..")) refs.push({ kind: "self-any", ...at(token.offset) });
        else refs.push({ kind: "self-path", path: str.text.replace(/^\/+/, ""), ...at(token.offset) });
        continue;
      }
    }
    // "${self}/x"
    if (prev?.type === "interp" && next?.type === "close") {
      const after = tokens[k + 2];
      if (after?.type === "str" && /^\/[^/]/.test(after.text) && tokens[k + 3]?.type === "op") {
        if (after.text.split("/").includes("..")) refs.push({ kind: "self-any", ...at(token.offset) });
        else refs.push({ kind: "self-path", path: after.text.slice(1), ...at(token.offset) });
        continue;
      }
    }
    refs.push({ kind: "self-any", ...at(token.offset) });
  }
  return refs;
}

/** Names bound to the whole inputs set in a flake's `outputs = inputs@{ … }:` / `{ … }@inputs:` / `inputs:`. */
export function inputsNames(flakeText: string): string[] {
  const names = new Set<string>();
  // `outputs = inputs: …`, `outputs = (inputs: …)`, `outputs = inputs@{ … }: …`, `outputs = { … }@inputs: …`.
  for (const match of flakeText.matchAll(/outputs\s*=\s*\(?\s*([a-zA-Z_][a-zA-Z0-9_'-]*)\s*(?:@|:)/g))
    names.add(match[1]!);
  for (const match of flakeText.matchAll(/outputs\s*=\s*\(?\s*\{[^}]*\}\s*@\s*([a-zA-Z_][a-zA-Z0-9_'-]*)/g))
    names.add(match[1]!);
  names.delete("self");
  return [...names];
}
