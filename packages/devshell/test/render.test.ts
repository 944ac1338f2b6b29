import { describe, expect, it } from "vitest";
import { validateConfig } from "@paved/core";
import { probeAttributes, renderFlake, TABLES } from "@paved/devshell";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";

const FORMATTER = "nixfmt-tree";

const config = validateConfig({
  version: 1,
  nixpkgs: { release: "nixos-26.05" },
  systems: ["x86_64-linux", "aarch64-darwin"],
  shells: {
    default: {
      toolchains: { node: { version: "22", from: ".nvmrc" }, pnpm: { version: "10.20.0", from: "package.json" } },
      env: { NODE_OPTIONS: "--max-old-space-size=4096", GREETING: "it's ${HOME}" },
      shellHook: 'echo "node $(node --version)"',
    },
    infra: {
      dir: "infra",
      toolchains: { terraform: { version: ">= 1.5", from: "infra/main.tf" } },
      unfree: ["terraform"],
    },
    api: {
      dir: "services/api",
      toolchains: { go: { version: "1.25.4", from: "services/api/go.mod" } },
      packages: ["hello"],
    },
  },
});

describe("the generated flake.nix", () => {
  it("matches the golden file", () => {
    expect(renderFlake(config).text).toBe(GOLDEN);
  });

  it("allows unfree packages by name only and offers the formatter", () => {
    const text = renderFlake(config).text;
    expect(text).toContain(`builtins.elem (nixpkgs.lib.getName pkg) [ "terraform" ]`);
    expect(text).not.toMatch(/allowUnfree\s*=/);
    expect(text).toContain(`formatter = forAllSystems (pkgs: pkgs.${FORMATTER});`);
  });

  it("takes packages named like Object's own properties from the pinned release (a fuzz-found crash)", () => {
    const odd = validateConfig({
      version: 1,
      nixpkgs: { release: "26.05" },
      shells: { default: { packages: ["valueOf", "constructor", "__proto__", "hello"] } },
    });
    const text = renderFlake(odd).text;
    for (const name of ["valueOf", "constructor", "hello"]) expect(text).toMatch(new RegExp(`pkgs\\.${name}\\b`));
    expect(text).not.toMatch(/pkgs-/);
  });
});

describe("nixpkgs tables", () => {
  it("every attribute of the nixos-26.05 table exists in the fixture nixpkgs (one real nix eval)", async () => {
    requireTool("nix");
    const attrs = Object.values(TABLES["nixos-26.05"]!).flatMap((t) => [
      ...t!.lines.map((l) => l.attr),
      ...(t!.with ?? []),
    ]);
    const probe = await probeAttributes("/", [...attrs, FORMATTER], {
      override: await fixtureNixpkgs(),
      env: nixTestEnv() as Record<string, string>,
    });
    expect(
      Object.entries(probe.found)
        .filter(([, v]) => v === null)
        .map(([k]) => k),
    ).toEqual([]);
  });
});

const GOLDEN = `{
  description = "Development shells (edit paved.yaml, then run \`paved sync\`)";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
  outputs =
    { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-darwin" ];
      pkgsFor = system: import nixpkgs {
        inherit system;
        config.allowUnfreePredicate = pkg: builtins.elem (nixpkgs.lib.getName pkg) [ "terraform" ];
      };
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f (pkgsFor system));
    in
    {
      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [ pkgs.nodejs_22 pkgs.pnpm_10 ];
          env = {
            GREETING = "it's \\\${HOME}";
            NODE_OPTIONS = "--max-old-space-size=4096";
          };
          shellHook = ''
            echo "node $(node --version)"
          '';
        };
        api = pkgs.mkShell {
          packages = [ pkgs.go_1_25 pkgs.hello ];
        };
        infra = pkgs.mkShell {
          packages = [ pkgs.terraform ];
        };
      });
      formatter = forAllSystems (pkgs: pkgs.nixfmt-tree);
    };
}
`;
