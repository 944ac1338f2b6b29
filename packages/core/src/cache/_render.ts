/**
 * What the team cache (paved.yaml `cache:`) turns into in generated Nix: the flake's `nixConfig` for developers
 * and the `nix.settings` every host and runner gets. Both add to Nix's defaults (cache.nixos.org stays): the
 * flake uses extra-* settings, and NixOS merges list definitions of nix.settings.substituters and
 * trusted-public-keys with its own (nixos/modules/config/nix.nix in 26.05 and unstable).
 */
import { cacheSubstituters, type PavedConfig, type Substituter } from "../config/index.ts";
import { attrs, list, type NixExpr } from "../render/index.ts";

/** The substituter URL with the configured priority (a store URL parameter every supported Nix reads). */
function withPriority(url: string, priority: number | undefined): string {
  if (priority === undefined) return url;
  return `${url}${url.includes("?") ? "&" : "?"}priority=${priority}`;
}

export function teamSubstituters(config: PavedConfig): Substituter[] {
  const all = cacheSubstituters(config.cache, config.hosts);
  return all.map((s, i) => (i === 0 ? { ...s, url: withPriority(s.url, config.cache?.priority) } : s));
}

/**
 * `nixConfig` for a generated flake: Nix asks a developer once whether to accept it (or takes it silently when
 * they are a trusted user or set accept-flake-config); undefined without a team cache.
 */
export function flakeNixConfig(config: PavedConfig): NixExpr | undefined {
  const subs = teamSubstituters(config);
  if (!subs.length) return undefined;
  return attrs({
    "extra-substituters": list(subs.map((s) => s.url)),
    "extra-trusted-public-keys": list([...new Set(subs.map((s) => s.publicKey))]),
  });
}

/**
 * The NixOS module every host gets: substitute from the team cache. The cache host itself reads only the extra
 * substituters (it serves its own store).
 */
export function hostCacheModule(config: PavedConfig, hostName: string): NixExpr | undefined {
  const all = teamSubstituters(config);
  const subs = config.cache?.host === hostName ? all.slice(1) : all;
  if (!subs.length) return undefined;
  return attrs([
    [["nix", "settings", "substituters"], list(subs.map((s) => s.url))],
    [["nix", "settings", "trusted-public-keys"], list([...new Set(subs.map((s) => s.publicKey))])],
  ]);
}
