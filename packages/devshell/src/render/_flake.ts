/**
 * The generated flake.nix: plain Nix a person can read and run without paved. One nixpkgs input (named
 * `nixpkgs`, so `--override-input nixpkgs …` and `paved shell --nixpkgs` can replace it), dev shells for
 * every system in paved.yaml, and `nix fmt` through nixfmt (the RFC 166 formatter; on nixos-26.05 the
 * attribute is `nixfmt`, the `nixfmt-rfc-style` alias is gone).
 * Unfree packages are allowed by name through `config.allowUnfreePredicate`, never `allowUnfree = true`.
 */
import { attrs, bind, call, flakeNixConfig, fn, id, inherit, letIn, list, nixpkgsBranch, renderNix, sel, str, type NixExpr, type PavedConfig, type ShellConfig, type Toolchain } from "@paved/core";
import { resolvePin, type Resolution } from "../nixpkgs/_resolve.ts";
import { FORMATTER_ATTR } from "../nixpkgs/_tables.ts";

export interface RenderedShell {
  name: string;
  attrs: string[];
  resolutions: Resolution[];
  unfree: string[];
}

/** The nixpkgs attributes a shell puts on PATH, in a stable order: toolchains first, then extra packages. */
export function shellAttributes(shell: ShellConfig, release: string): RenderedShell & { unfreeNeeded: string[] } {
  const resolutions = (Object.entries(shell.toolchains) as [Toolchain, { version: string; attr?: string }][])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([toolchain, pin]) => resolvePin(toolchain, pin.version === "*" ? "" : pin.version, release, pin.attr));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const a of [...resolutions.flatMap((r) => (r.attr ? [r.attr, ...r.extra] : [])), ...shell.packages]) {
    if (!seen.has(a)) out.push(a);
    seen.add(a);
  }
  const unfreeNeeded = resolutions.flatMap((r) => (r.unfree ? [r.unfree] : []));
  return { name: "", attrs: out, resolutions, unfree: shell.unfree, unfreeNeeded };
}

function pkgRef(attrPath: string): NixExpr {
  return sel(id("pkgs"), attrPath.split("."));
}

function mkShell(shell: ShellConfig, attrPaths: string[]): NixExpr {
  const env = Object.entries(shell.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return call(
    id("pkgs.mkShell"),
    attrs([
      bind("packages", list(attrPaths.map(pkgRef))),
      ...(env.length > 0 ? [bind("env", attrs(env.map(([k, v]) => [k, str(v)] as const)))] : []),
      ...(shell.shellHook !== undefined && shell.shellHook.trim() !== "" ? [bind("shellHook", str(shell.shellHook.endsWith("\n") ? shell.shellHook : `${shell.shellHook}\n`))] : []),
    ]),
  );
}

export interface FlakeRender {
  text: string;
  shells: RenderedShell[];
  unfree: string[];
  release: string;
}

/** Shells in a stable order: `default` first, then by name. */
export function orderedShells(config: PavedConfig): [string, ShellConfig][] {
  return Object.entries(config.shells).sort(([a], [b]) => (a === "default" ? -1 : b === "default" ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

export function renderFlake(config: PavedConfig, options: { description?: string } = {}): FlakeRender {
  const release = nixpkgsBranch(config.nixpkgs.release);
  const shells: RenderedShell[] = [];
  const unfree = new Set<string>();
  const bindings: [string, NixExpr][] = [];
  for (const [name, shell] of orderedShells(config)) {
    const r = shellAttributes(shell, release);
    for (const u of [...r.unfree, ...r.unfreeNeeded]) unfree.add(u);
    shells.push({ name, attrs: r.attrs, resolutions: r.resolutions, unfree: [...new Set([...r.unfree, ...r.unfreeNeeded])] });
    bindings.push([name, mkShell(shell, r.attrs)]);
  }
  const unfreeNames = [...unfree].sort();
  const importArgs = attrs([
    inherit("system"),
    ...(unfreeNames.length > 0
      ? [bind(["config", "allowUnfreePredicate"], fn("pkg", call(id("builtins.elem"), call(id("nixpkgs.lib.getName"), id("pkg")), list(unfreeNames))))]
      : []),
  ]);
  const url = config.nixpkgs.url ?? `github:NixOS/nixpkgs/${release}`;
  const outputs = fn(
    { params: ["self", "nixpkgs"] },
    letIn(
      [
        ["systems", list(config.systems)],
        ["pkgsFor", fn("system", call(id("import"), id("nixpkgs"), importArgs))],
        ["forAllSystems", fn("f", call(id("nixpkgs.lib.genAttrs"), id("systems"), fn("system", call(id("f"), call(id("pkgsFor"), id("system"))))))],
      ],
      attrs([
        ["devShells", call(id("forAllSystems"), fn("pkgs", attrs(bindings)))],
        ["formatter", call(id("forAllSystems"), fn("pkgs", pkgRef(FORMATTER_ATTR)))],
      ]),
    ),
  );
  const nixConfig = flakeNixConfig(config);
  const flake = attrs([
    ["description", options.description ?? "Development shells (edit paved.yaml, then run `paved sync`)"],
    // The team binary cache (paved.yaml cache:): shells substitute from it instead of rebuilding.
    ...(nixConfig ? [["nixConfig", nixConfig] as [string, NixExpr]] : []),
    [["inputs", "nixpkgs", "url"], url],
    ["outputs", outputs],
  ]);
  return { text: renderNix(flake), shells, unfree: unfreeNames, release };
}
