/**
 * One real `nix eval` against the nixpkgs the flake pins: which attributes exist, their versions, and (when
 * one is missing) the names next to it for "did you mean". Evaluates attribute names and `.version` only,
 * so nothing is built and unfree packages do not need to be allowed.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import {
  call,
  didYouMean,
  editDistance,
  filePath,
  id,
  nix,
  nixJson,
  PavedError,
  renderNix,
  sel,
  type NixpkgsConfig,
} from "@paved/core";

export interface ProbeResult {
  /** attr path → version ("" when the package has none), or null when it does not exist. */
  found: Record<string, string | null>;
  /** For each missing attr path, the closest existing names. */
  near: Record<string, string[]>;
  /** The nixpkgs that was asked, for messages. */
  source: string;
}

/** Where to evaluate: an explicit --nixpkgs path, paved.yaml's nixpkgs.path, or the flake's own input. */
function probeSource(
  root: string,
  nixpkgs: NixpkgsConfig | undefined,
  override?: string,
): { kind: "path"; path: string } | { kind: "flake"; root: string } {
  const path = override ?? nixpkgs?.path;
  if (path !== undefined) return { kind: "path", path: isAbsolute(path) ? path : resolve(root, path) };
  return { kind: "flake", root };
}

/**
 * The probe itself is fixed Nix code (a function); what varies (the nixpkgs to import, the attribute paths) is
 * its argument, built as Nix values by core's renderer, so no name or path is ever spliced in as text.
 */
const PROBE = nix`
  args:
  let
    pkgs = import args.nixpkgs { };
    get = path: builtins.foldl' (acc: name: if acc != null && builtins.isAttrs acc && acc ? \${name} then acc.\${name} else null) pkgs path;
    probe = path:
      let v = builtins.tryEval (get path);
      in if !v.success || v.value == null then null
      else let ver = builtins.tryEval (v.value.version or ""); in if ver.success && builtins.isString ver.value then ver.value else "";
    namesAt = path: let v = builtins.tryEval (get path); in if v.success && builtins.isAttrs v.value then builtins.attrNames v.value else [ ];
    each = f: keys: builtins.listToAttrs (map (k: { name = k.key; value = f k.path; }) keys);
  in {
    found = each probe args.found;
    names = each namesAt args.names;
  }`;

function probeExpression(source: ReturnType<typeof probeSource>, attrPaths: string[]): string {
  const nixpkgs =
    source.kind === "path"
      ? filePath(source.path)
      : sel(call(id("builtins.getFlake"), source.root), ["inputs", "nixpkgs"]);
  const key = (path: string) => ({ key: path, path: path === "" ? [] : path.split(".") });
  const parents = [...new Set(attrPaths.map((a) => a.split(".").slice(0, -1).join(".")))];
  return renderNix(call(PROBE, { nixpkgs, found: attrPaths.map(key), names: parents.map(key) }));
}

export async function probeAttributes(
  root: string,
  attrPaths: string[],
  options: {
    nixpkgs?: NixpkgsConfig;
    override?: string;
    signal?: AbortSignal;
    env?: Record<string, string | undefined>;
  } = {},
): Promise<ProbeResult> {
  const source = probeSource(root, options.nixpkgs, options.override);
  // Caught here, before Nix turns it into an opaque "opening file …/default.nix" failure.
  if (source.kind === "path" && !existsSync(source.path)) {
    throw new PavedError("E_INPUT", `nixpkgs path ${source.path} does not exist`, {
      hint: "Pass a local nixpkgs checkout or mirror (--nixpkgs PATH, or nixpkgs.path in paved.yaml).",
      details: { path: source.path },
    });
  }
  const expr = probeExpression(source, attrPaths);
  let out: { found: Record<string, string | null>; names: Record<string, string[]> };
  try {
    out = await nixJson(["eval", "--impure", "--expr", expr], {
      cwd: root,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  } catch (error) {
    if (error instanceof PavedError && source.kind === "flake") {
      throw new PavedError(
        error.code,
        `could not evaluate the flake's nixpkgs to check package names: ${error.message}`,
        {
          hint: "Without network access, point paved at a local nixpkgs: --nixpkgs PATH, or nixpkgs.path in paved.yaml.",
          details: error.details,
          cause: error,
        },
      );
    }
    throw error;
  }
  const near: Record<string, string[]> = {};
  for (const [attr, version] of Object.entries(out.found)) {
    if (version !== null) continue;
    const parts = attr.split(".");
    const leaf = parts.pop()!;
    const names = out.names[parts.join(".")] ?? [];
    const prefix = parts.length ? `${parts.join(".")}.` : "";
    const ranked = names
      .map((n) => ({
        n,
        d: editDistance(leaf.toLowerCase(), n.toLowerCase()) - (n.toLowerCase().startsWith(leaf.toLowerCase()) ? 2 : 0),
      }))
      .filter((x) => x.d <= Math.max(2, Math.floor(leaf.length / 3)))
      .sort((a, b) => a.d - b.d || a.n.length - b.n.length || (a.n < b.n ? -1 : 1))
      .slice(0, 5)
      .map((x) => prefix + x.n);
    const best = didYouMean(leaf, names);
    near[attr] = best && !ranked.includes(prefix + best) ? [prefix + best, ...ranked].slice(0, 5) : ranked;
  }
  return { found: out.found, near, source: source.kind === "path" ? source.path : "the flake's nixpkgs input" };
}
