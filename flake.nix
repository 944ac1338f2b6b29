# paved's own flake. Targets nixos-26.05 (current stable); the modules also evaluate on nixos-unstable.
{
  description = "paved: from 'we should try Nix' to NixOS fleets, one safe step at a time";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      # Step 1 and steps 3-4: NixOS modules that teams import from their platform repository.
      nixosModules = import ./packages/ci-runner/nix // import ./packages/baseline/nix;

      # Contributors: `nix develop` gives Node, pnpm and the Nix tooling paved's tests use.
      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [
            pkgs.nodejs_22
            pkgs.pnpm
            pkgs.git
            pkgs.direnv
            pkgs.openssh
            pkgs.ssh-audit
            pkgs.nixfmt-rfc-style
          ];
        };
      });

      formatter = forAllSystems (pkgs: pkgs.nixfmt-rfc-style);
    };
}
