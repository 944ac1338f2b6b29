/** What the dev-shell benchmarks share: the paved binary and the flake every benchmark repository gets. */
import { fileURLToPath } from "node:url";

export const paved = fileURLToPath(new URL("../apps/cli/bin/paved.cjs", import.meta.url));
/** The installed command (what `paved` on PATH is): a warm `paved shell -- CMD` never starts Node. */
export const pavedLauncher = fileURLToPath(new URL("../apps/cli/bin/paved", import.meta.url));
const system = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-${process.platform}`;

export const BENCH_FLAKE = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
  outputs = { self, nixpkgs }:
    let pkgs = nixpkgs.legacyPackages.${system}; in {
      devShells.${system}.default = pkgs.mkShell {
        packages = import ./nix/tools.nix { inherit pkgs; };
        shellHook = "export BENCH_HOOK=1";
      };
    };
}
`;
