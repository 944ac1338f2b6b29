// classifyNixFailure on stderr recorded from Nix 2.8 and 2.26: the error Nix ends with decides the code, not a
// warning it printed on the way (an unreachable flake registry, a retried download).
import { describe, expect, it } from "vitest";
import { classifyNixFailure } from "@paved/core";

const REGISTRY_WARNING =
  "warning: error: unable to download 'https://channels.nixos.org/flake-registry.json': Couldn't resolve host name (6); retrying in 303 ms\n";

describe("classifyNixFailure", () => {
  it("a missing dev shell after a registry download warning is an evaluation error, not the network", () => {
    const stderr = `${REGISTRY_WARNING}error: flake 'git+file:///work/app' does not provide attribute 'devShells.x86_64-linux.api', 'packages.x86_64-linux.api', 'legacyPackages.x86_64-linux.api' or 'api'\n`;
    const error = classifyNixFailure({ argv: ["nix", "print-dev-env", "/work/app#api"], exitCode: 1, stderr });
    expect(error.code).toBe("E_NIX_EVAL");
    expect(error.message).toContain("does not provide attribute 'devShells.x86_64-linux.api'");
    expect(error.hint).not.toMatch(/network/i);
  });

  it("a missing attribute (2.26 wording) is an evaluation error even when a download also failed", () => {
    const stderr = `${REGISTRY_WARNING}error:\n       … while evaluating the flake output attribute 'devShells.x86_64-linux.api'\n\n       error: attribute 'api' missing\n`;
    expect(classifyNixFailure({ argv: ["nix", "develop"], exitCode: 1, stderr }).code).toBe("E_NIX_EVAL");
  });

  it("a fetch that really failed is still E_NIX_INPUT with the network hint", () => {
    const stderr = `${REGISTRY_WARNING}error: unable to download 'https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-26.05': Couldn't resolve host name (6)\n`;
    const error = classifyNixFailure({ argv: ["nix", "eval"], exitCode: 1, stderr });
    expect(error.code).toBe("E_NIX_INPUT");
    expect(error.hint).toContain("--nixpkgs");
  });

  it("a warning alone never turns a syntax error into a network error", () => {
    const stderr = `${REGISTRY_WARNING}error: syntax error, unexpected '}'\n\n       at /work/app/flake.nix:3:1:\n`;
    expect(classifyNixFailure({ argv: ["nix", "eval"], exitCode: 1, stderr }).code).toBe("E_NIX_EVAL");
  });
});
