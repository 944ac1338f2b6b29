// The lexer behind the read set: which references in Nix text can read files of the flake's own tree.
import { describe, expect, it } from "vitest";
import { inputsNames, nixRefs } from "../src/shell/_nixrefs.ts";

const kinds = (text: string, names: string[] = []) =>
  nixRefs(text, names).map((ref) => (ref.kind === "self-any" ? "self" : `${ref.kind}:${ref.path}${"dynamic" in ref && ref.dynamic ? "…" : ""}${"imported" in ref && ref.imported ? " (import)" : ""}`));

describe("nixRefs", () => {
  it("finds path literals, imports and interpolated paths, and skips strings and comments", () => {
    const text = [
      "# ./commented.nix",
      "/* ./block.txt */",
      "{ a = import ./nix/tools.nix; b = builtins.readFile ./hook.sh; c = nix/bare.nix;",
      '  d = "./in-a-string"; e = \'\'./indented ${toString ./inside.txt}\'\';',
      "  f = ./modules/${name}.nix; g = callPackage ./pkgs/tool { }; h = ./.; u = https://example.org/x; }",
    ].join("\n");
    expect(kinds(text)).toEqual([
      "path:./nix/tools.nix (import)",
      "path:./hook.sh",
      "path:nix/bare.nix",
      "path:./inside.txt",
      "path:./modules/…",
      "path:./pkgs/tool (import)",
      "path:./.",
    ]);
  });

  it("tells the flake's self used as a path from its outputs and from formals", () => {
    expect(kinds('{ self, nixpkgs }: { x = self.packages.x; y = builtins.readFile (self + "/conf/a"); z = "${self}/b/c"; }')).toEqual([
      "self-path:conf/a",
      "self-path:b/c",
    ]);
    expect(kinds("{ self, ... }: { src = self; }")).toEqual(["self"]);
    expect(kinds("{ self, ... }: { src = self.outPath; }")).toEqual(["self"]);
    expect(kinds('{ self, ... }: { v = "${self}"; }')).toEqual(["self"]);
    expect(kinds("final: self: { x = self.callPackage; }")).toEqual([]);
  });

  it("the whole inputs set passed on can reach self", () => {
    const flake = "{ outputs = inputs@{ self, nixpkgs }: { a = inputs.nixpkgs; b = f { inherit inputs; }; }; }";
    expect(inputsNames(flake)).toEqual(["inputs"]);
    expect(kinds(flake, inputsNames(flake))).toEqual(["self"]);
    expect(kinds("{ outputs = { nixpkgs, ... }@args: { c = args.self + \"/x\"; }; }", ["args"])).toEqual(["self-path:x"]);
  });
});
