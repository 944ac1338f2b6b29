/**
 * The flake.nix of a platform repository: one `nixosConfigurations.<host>` per host in paved.yaml, each importing
 * paved's modules (pinned by flake.lock), the team roster and its own hosts/<name>.nix. Steps 1, 3 and 7 share it,
 * so it lives here; the per-host files come from the package that owns the host's role.
 * Targets nixos-26.05: `nixpkgs.hostPlatform` is the current way to set a host's platform.
 */
import type { PavedConfig } from "../config/index.ts";
import { nixpkgsBranch } from "../config/index.ts";
import { flakeNixConfig, hostCacheModule } from "../cache/index.ts";
import type { GeneratedFile } from "../files/index.ts";
import { attrs, call, fn, id, inherit, letIn, list, nix, path, renderNix, sel, type NixExpr } from "../render/index.ts";

export const TEAM_FILE = "team.nix";
export const hostFile = (name: string) => `hosts/${name}.nix`;

export interface PlatformFlakeOptions {
  /** Whether team.nix exists (rendered from the roster); every host imports it then. */
  team: boolean;
}

function nixpkgsUrl(config: PavedConfig): string {
  // nixpkgs.path is for entering shells offline; a committed flake keeps a fetchable reference.
  return config.nixpkgs.url ?? `github:NixOS/nixpkgs/${nixpkgsBranch(config.nixpkgs.release)}`;
}

function hostEntry(config: PavedConfig, name: string, system: string, options: PlatformFlakeOptions): NixExpr {
  const cache = hostCacheModule(config, name);
  const modules: NixExpr[] = [
    sel(id("paved"), ["nixosModules", "default"]),
    attrs([[["nixpkgs", "hostPlatform"], system]]),
    // The team binary cache (paved.yaml cache:), added to NixOS' own substituters.
    ...(cache ? [cache] : []),
    ...(options.team ? [path(`./${TEAM_FILE}`)] : []),
    path(`./${hostFile(name)}`),
  ];
  return call(
    sel(id("nixpkgs"), ["lib", "nixosSystem"]),
    attrs({ specialArgs: attrs([inherit("paved")]), modules: list(modules) }),
  );
}

export function renderPlatformFlake(config: PavedConfig, options: PlatformFlakeOptions): GeneratedFile {
  const hosts = Object.entries(config.hosts);
  // Hosts are Linux; the platform team's own machines (dev shell, formatter) may be macOS too.
  const hostSystems = [
    ...new Set([...config.systems.filter((s) => s.endsWith("-linux")), ...hosts.map(([, h]) => h.system)]),
  ].sort();
  const systems = [...new Set([...config.systems, ...hostSystems])].sort();
  const checksBySystem = Object.fromEntries(
    hostSystems.map((system) => [
      system,
      attrs(
        hosts
          .filter(([, host]) => host.system === system)
          .map(
            ([name]) =>
              [name, sel(id("self"), ["nixosConfigurations", name, "config", "system", "build", "toplevel"])] as const,
          ),
      ),
    ]),
  );
  const forAllSystems = fn(
    "f",
    call(sel(id("nixpkgs"), ["lib", "genAttrs"]), list(systems), nix`system: f nixpkgs.legacyPackages.\${system}`),
  );
  const outputs = fn(
    { params: ["self", "nixpkgs", "paved"], ellipsis: true },
    letIn(
      { forAllSystems },
      attrs({
        nixosConfigurations: attrs(
          hosts.map(([name, host]) => [name, hostEntry(config, name, host.system, options)] as const),
        ),
        // `nix flake check` builds every host's system, so CI catches a broken host before a rollout does.
        checks: attrs(checksBySystem),
        devShells: call(
          id("forAllSystems"),
          fn(
            "pkgs",
            attrs({
              default: call(
                sel(id("pkgs"), ["mkShell"]),
                attrs({ packages: list(["nixfmt", "git", "openssh", "jq"].map((p) => sel(id("pkgs"), [p]))) }),
              ),
            }),
          ),
        ),
        // nixfmt-tree runs nixfmt over the whole tree; plain nixfmt warns when `nix fmt` hands it a directory.
        formatter: call(id("forAllSystems"), fn("pkgs", sel(id("pkgs"), ["nixfmt-tree"]))),
      }),
    ),
  );
  const nixConfig = flakeNixConfig(config);
  const flake = attrs({
    description: `${config.platform.name ?? "Platform"}: NixOS hosts managed with paved`,
    // Developers and CI substitute from the team cache when they use this flake.
    ...(nixConfig ? { nixConfig } : {}),
    inputs: attrs([
      [["nixpkgs", "url"], nixpkgsUrl(config)],
      [["paved", "url"], config.platform.paved],
      [["paved", "inputs", "nixpkgs", "follows"], "nixpkgs"],
    ]),
    outputs,
  });
  return { path: "flake.nix", content: renderNix(flake), source: "paved.yaml" };
}
