/**
 * The generated flake.nix: plain Nix a person can read and run without paved. One nixpkgs input (named
 * `nixpkgs`, so `--override-input nixpkgs …` and `paved shell --nixpkgs` can replace it), dev shells for
 * every system in paved.yaml, and `nix fmt` through nixfmt (the RFC 166 formatter; on nixos-26.05 the
 * attribute is `nixfmt`, the `nixfmt-rfc-style` alias is gone).
 * Unfree packages are allowed by name through `config.allowUnfreePredicate`, never `allowUnfree = true`.
 * A toolchain paved.yaml takes from another release (`toolchains.<t>.release`) adds one input per release
 * (`nixpkgs-25_11`), shared by every shell that needs it; everything else comes from `nixpkgs`.
 */
import {
  attrs,
  bind,
  call,
  flakeNixConfig,
  fn,
  id,
  inherit,
  letIn,
  list,
  nixpkgsBranch,
  renderNix,
  sel,
  str,
  type NixExpr,
  type PavedConfig,
  type ShellConfig,
  type Toolchain,
} from "@paved/core";
import { resolveAcross, type CrossResolution } from "../nixpkgs/_releases.ts";
import { FORMATTER_ATTR } from "../nixpkgs/_tables.ts";

export interface RenderedShell {
  name: string;
  attrs: string[];
  resolutions: CrossResolution[];
  unfree: string[];
  /** Attributes taken from another release than the pinned one: attribute → release branch. */
  fromRelease: Record<string, string>;
}

/** The nixpkgs attributes a shell puts on PATH, in a stable order: toolchains first, then extra packages. */
export function shellAttributes(shell: ShellConfig, release: string): RenderedShell & { unfreeNeeded: string[] } {
  const resolutions = (
    Object.entries(shell.toolchains) as [Toolchain, { version: string; attr?: string; release?: string }][]
  )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([toolchain, pin]) =>
      resolveAcross(toolchain, pin.version === "*" ? "" : pin.version, release, {
        ...(pin.attr ? { attr: pin.attr } : {}),
        ...(pin.release ? { fromRelease: pin.release } : {}),
        // Only paved.yaml decides which release a toolchain comes from when rendering: no surprises at sync.
        search: false,
      }),
    );
  const seen = new Set<string>();
  const out: string[] = [];
  // No prototype: a package named `__proto__`, `valueOf` or `constructor` is just a key.
  const fromRelease: Record<string, string> = Object.create(null);
  for (const r of resolutions)
    if (r.release && r.attr) for (const a of [r.attr, ...r.extra]) fromRelease[a] = r.release;
  for (const a of [...resolutions.flatMap((r) => (r.attr ? [r.attr, ...r.extra] : [])), ...shell.packages]) {
    if (!seen.has(a)) out.push(a);
    seen.add(a);
  }
  const unfreeNeeded = resolutions.flatMap((r) => (r.unfree ? [r.unfree] : []));
  return { name: "", attrs: out, resolutions, unfree: shell.unfree, unfreeNeeded, fromRelease };
}

/** `nixos-25.11` → `25_11`, `nixos-unstable` → `unstable`: the suffix of its input and package set names. */
function releaseSuffix(branch: string): string {
  return branch.replace(/^nixos-/, "").replace(/\./g, "_");
}

function pkgRef(attrPath: string, set = "pkgs"): NixExpr {
  return sel(id(set), attrPath.split("."));
}

function mkShell(shell: ShellConfig, attrPaths: string[], fromRelease: Record<string, string> = {}): NixExpr {
  const env = Object.entries(shell.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return call(
    id("pkgs.mkShell"),
    attrs([
      // Object.hasOwn: a package may be called `valueOf` or `constructor` (found by the fuzz test).
      bind(
        "packages",
        list(
          attrPaths.map((a) => {
            const release = Object.hasOwn(fromRelease, a) ? fromRelease[a] : undefined;
            return pkgRef(a, release ? `pkgs-${releaseSuffix(release)}` : "pkgs");
          }),
        ),
      ),
      ...(env.length > 0 ? [bind("env", attrs(env.map(([k, v]) => [k, str(v)] as const)))] : []),
      ...(shell.shellHook !== undefined && shell.shellHook.trim() !== ""
        ? [bind("shellHook", str(shell.shellHook.endsWith("\n") ? shell.shellHook : `${shell.shellHook}\n`))]
        : []),
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
  return Object.entries(config.shells).sort(([a], [b]) =>
    a === "default" ? -1 : b === "default" ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
}

export function renderFlake(config: PavedConfig, options: { description?: string } = {}): FlakeRender {
  const release = nixpkgsBranch(config.nixpkgs.release);
  const shells: RenderedShell[] = [];
  const unfree = new Set<string>();
  const bindings: [string, NixExpr][] = [];
  const extra = new Set<string>();
  for (const [name, shell] of orderedShells(config)) {
    const r = shellAttributes(shell, release);
    for (const u of [...r.unfree, ...r.unfreeNeeded]) unfree.add(u);
    for (const branch of Object.values(r.fromRelease)) extra.add(branch);
    shells.push({
      name,
      attrs: r.attrs,
      resolutions: r.resolutions,
      unfree: [...new Set([...r.unfree, ...r.unfreeNeeded])],
      fromRelease: r.fromRelease,
    });
    bindings.push([name, mkShell(shell, r.attrs, r.fromRelease)]);
  }
  const unfreeNames = [...unfree].sort();
  const importArgs = attrs([
    inherit("system"),
    ...(unfreeNames.length > 0
      ? [
          bind(
            ["config", "allowUnfreePredicate"],
            fn("pkg", call(id("builtins.elem"), call(id("nixpkgs.lib.getName"), id("pkg")), list(unfreeNames))),
          ),
        ]
      : []),
  ]);
  const url = config.nixpkgs.url ?? `github:NixOS/nixpkgs/${release}`;
  const releases = [...extra].sort();
  const formatter: [string, NixExpr] = ["formatter", call(id("forAllSystems"), fn("pkgs", pkgRef(FORMATTER_ATTR)))];
  // One release: the flake every paved user knows. More: each package set by name, passed to the shells together.
  const outputs =
    releases.length === 0
      ? fn(
          { params: ["self", "nixpkgs"] },
          letIn(
            [
              ["systems", list(config.systems)],
              ["pkgsFor", fn("system", call(id("import"), id("nixpkgs"), importArgs))],
              [
                "forAllSystems",
                fn(
                  "f",
                  call(
                    id("nixpkgs.lib.genAttrs"),
                    id("systems"),
                    fn("system", call(id("f"), call(id("pkgsFor"), id("system")))),
                  ),
                ),
              ],
            ],
            attrs([["devShells", call(id("forAllSystems"), fn("pkgs", attrs(bindings)))], formatter]),
          ),
        )
      : fn(
          { params: ["self", "nixpkgs", ...releases.map((b) => `nixpkgs-${releaseSuffix(b)}`)] },
          letIn(
            [
              ["systems", list(config.systems)],
              ["pkgsFor", fn("input", fn("system", call(id("import"), id("input"), importArgs)))],
              [
                "pkgsAll",
                fn(
                  "system",
                  attrs([
                    ["pkgs", call(call(id("pkgsFor"), id("nixpkgs")), id("system"))],
                    ...releases.map((b): [string, NixExpr] => [
                      `pkgs-${releaseSuffix(b)}`,
                      call(call(id("pkgsFor"), id(`nixpkgs-${releaseSuffix(b)}`)), id("system")),
                    ]),
                  ]),
                ),
              ],
              [
                "forAllSystems",
                fn(
                  "f",
                  call(
                    id("nixpkgs.lib.genAttrs"),
                    id("systems"),
                    fn("system", call(id("f"), call(id("pkgsAll"), id("system")))),
                  ),
                ),
              ],
            ],
            attrs([
              [
                "devShells",
                call(
                  id("forAllSystems"),
                  fn({ params: ["pkgs", ...releases.map((b) => `pkgs-${releaseSuffix(b)}`)] }, attrs(bindings)),
                ),
              ],
              [
                "formatter",
                call(id("forAllSystems"), fn({ params: ["pkgs"], ellipsis: true }, pkgRef(FORMATTER_ATTR))),
              ],
            ]),
          ),
        );
  const nixConfig = flakeNixConfig(config);
  const flake = attrs([
    ["description", options.description ?? "Development shells (edit paved.yaml, then run `paved sync`)"],
    // The team binary cache (paved.yaml cache:): shells substitute from it instead of rebuilding.
    ...(nixConfig ? [["nixConfig", nixConfig] as [string, NixExpr]] : []),
    [["inputs", "nixpkgs", "url"], url],
    ...releases.map((b): [string[], string] => [
      ["inputs", `nixpkgs-${releaseSuffix(b)}`, "url"],
      `github:NixOS/nixpkgs/${b}`,
    ]),
    ["outputs", outputs],
  ]);
  return { text: renderNix(flake), shells, unfree: unfreeNames, release };
}
