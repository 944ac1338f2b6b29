/**
 * Everything the rendered pipelines pin, in one place so a bump is one reviewed diff. Actions are pinned by full
 * commit SHA (a tag can be moved; a SHA cannot), with the release in a comment. The SHAs below were cross-checked
 * against several public repositories that pin the same releases (2026-09/10).
 */
export interface ActionPin {
  repo: string;
  sha: string;
  version: string;
}

export const ACTIONS = {
  checkout: { repo: "actions/checkout", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  installNix: {
    repo: "cachix/install-nix-action",
    sha: "13d8dd58da0234aa297dedd986986ccb8e7f3e24",
    version: "v31.11.1",
  },
  // Saves /nix/store as a GitHub Actions cache entry: no account, no secret, scoped per branch by GitHub.
  cacheNix: {
    repo: "nix-community/cache-nix-action",
    sha: "7df957e333c1e5da7721f60227dbba6d06080569",
    version: "v7.0.2",
  },
  cachix: { repo: "cachix/cachix-action", sha: "1eb2ef646ac0255473d23a5907ad7b04ce94065c", version: "v17" },
} as const satisfies Record<string, ActionPin>;

/** The Nix release install-nix-action v31.11.1 ships by default; pinned explicitly through install_url. */
export const DEFAULT_NIX_VERSION = "2.35.2";

export function usesRef(pin: ActionPin): string {
  return `${pin.repo}@${pin.sha}`;
}

export function nixInstallUrl(version: string): string {
  return `https://releases.nixos.org/nix/nix-${version}/install`;
}

/** The official Nix image on Docker Hub, tagged by Nix version (GitLab jobs on shared runners). */
export function nixImage(version: string): string {
  return `nixos/nix:${version}`;
}
