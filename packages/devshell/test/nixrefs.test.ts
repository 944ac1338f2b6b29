// The lexer behind the read set: which references in Nix text can read files of the flake's own tree.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputsNames, nixRefs } from "../src/shell/_nixrefs.ts";
import { readSet } from "../src/shell/_readset.ts";
import { planSource } from "../src/shell/_source.ts";

const kinds = (text: string, names: string[] = []) =>
  nixRefs(text, names).map((ref) =>
    ref.kind === "self-any"
      ? "self"
      : ref.kind === "open"
        ? "open"
        : `${ref.kind}:${ref.path}${"dynamic" in ref && ref.dynamic ? "…" : ""}${"imported" in ref && ref.imported ? " (import)" : ""}`,
  );

describe("nixRefs", () => {
  it("finds path literals, imports and interpolated paths, and skips strings and comments", () => {
    const text = [
      "# ./commented.nix",
      "/* ./block.txt */",
      "{ a = import ./nix/tools.nix; b = builtins.readFile ./hook.sh; c = nix/bare.nix;",
      "  d = \"./in-a-string\"; e = ''./indented ${toString ./inside.txt}'';",
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
    expect(
      kinds('{ self, nixpkgs }: { x = self.packages.x; y = builtins.readFile (self + "/conf/a"); z = "${self}/b/c"; }'),
    ).toEqual(["self-path:conf/a", "self-path:b/c"]);
    expect(kinds("{ self, ... }: { src = self; }")).toEqual(["self"]);
    expect(kinds('{ self, ... }: { a = self + "/nix/../x"; b = "${self}/../y"; }')).toEqual(["self", "self"]);
    expect(kinds("{ self, ... }: { src = self.outPath; }")).toEqual(["self"]);
    expect(kinds('{ self, ... }: { v = "${self}"; }')).toEqual(["self"]);
    expect(kinds("final: self: { x = self.callPackage; }")).toEqual([]);
    // What Nix knows of the source differs between two copies of the same files.
    expect(kinds("{ self, ... }: { v = self.lastModifiedDate; h = self.narHash or null; }")).toEqual(["self", "self"]);
    expect(kinds('{ f = (builtins.unsafeGetAttrPos "a" { a = 1; }).file; g = __curPos; }')).toEqual(["self", "self"]);
  });

  it("the whole inputs set passed on can reach self", () => {
    const flake = "{ outputs = inputs@{ self, nixpkgs }: { a = inputs.nixpkgs; b = f { inherit inputs; }; }; }";
    expect(inputsNames(flake)).toEqual(["inputs"]);
    expect(kinds(flake, inputsNames(flake))).toEqual(["self"]);
    expect(kinds('{ outputs = { nixpkgs, ... }@args: { c = args.self + "/x"; }; }', ["args"])).toEqual(["self-path:x"]);
  });
});

/** A git repository (git check-attr needs one) with `files`, not added: tests pass the tracked list themselves. */
function tree(files: Record<string, string>): string {
  const top = mkdtempSync(join(tmpdir(), "paved-readset-"));
  execFileSync("git", ["init", "-q"], { cwd: top });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(top, file)), { recursive: true });
    writeFileSync(join(top, file), text);
  }
  return top;
}

describe("readSet", () => {
  it("follows what Nix evaluated, adds the files and directories they name, and never the rest", () => {
    const top = tree({
      "flake.nix":
        "{ outputs = { self, nixpkgs }: { x = import ./nix/a.nix; y = builtins.path { path = ./data; }; }; }",
      "nix/a.nix": "{ hook = builtins.readFile ./hook.sh; }",
      "nix/hook.sh": "echo\n",
      "nix/unused.nix": "{ }",
      "data/1.txt": "1",
      "README.md": "#",
    });
    const tracked = ["flake.nix", "nix/a.nix", "nix/hook.sh", "nix/unused.nix", "data/1.txt", "README.md"];
    const set = readSet({ root: top, top, tracked, evaluated: [join(top, "nix/a.nix")] });
    const rel = set.files.map((file) => file.slice(top.length + 1));
    expect(rel).toEqual(["data/1.txt", "flake.lock", "flake.nix", "nix/a.nix", "nix/hook.sh"]);
    expect(set.wholeTree).toBeUndefined();
  });

  it("without Nix's list of evaluated files, the whole tree counts", () => {
    const top = tree({ "flake.nix": "{ outputs = _: { }; }", "README.md": "#" });
    const set = readSet({ root: top, top, tracked: ["flake.nix", "README.md"], evaluated: undefined });
    expect(set.files).toContain(join(top, "README.md"));
    expect(set.wholeTree).toMatch(/did not report/);
  });

  it("a flake in a sub-directory: self + \"/x\" is taken from the repository's top and from the flake's directory", () => {
    const top = tree({
      "sub/flake.nix": '{ outputs = { self }: { c = builtins.readFile (self + "/conf"); }; }',
      conf: "top",
      "sub/conf": "sub",
    });
    const set = readSet({ root: join(top, "sub"), top, tracked: ["sub/flake.nix", "conf", "sub/conf"], evaluated: [] });
    expect(set.files).toEqual(expect.arrayContaining([join(top, "conf"), join(top, "sub/conf")]));
  });
});

describe("planSource: which files Nix gets before it evaluates", () => {
  const big = "x".repeat(100_000);
  const plan = (top: string, files: Record<string, string>, root = top, treeDir = "/cache/entry/source") =>
    planSource(
      root,
      { top, tracked: Object.keys(files), gitIndex: { path: join(top, ".git/index"), mtimeMs: 0 } },
      treeDir,
    );

  it("every .nix file a read directory holds is read for references too, since Nix may evaluate any of them", async () => {
    const files = {
      "flake.nix": "{ outputs = { self }: { m = builtins.readDir ./modules; n = import ./modules/a.nix; }; }",
      "modules/a.nix": "{ x = builtins.readFile ../conf/a.conf; }",
      "modules/b.nix": "{ }",
      "conf/a.conf": "a",
      "conf/unread.conf": "b",
      "big.bin": big,
    };
    expect(await plan(tree(files), files)).toEqual({
      kind: "tree",
      files: ["conf/a.conf", "flake.nix", "modules/a.nix", "modules/b.nix"],
      checkoutFiles: 6,
    });
  });

  it("evaluates the checkout when the tree would hold most of it, or could differ from it", async () => {
    const small = { "flake.nix": "{ outputs = _: { x = ./a; }; }", a: big, "README.md": "#" };
    expect(await plan(tree(small), small)).toMatchObject({ kind: "checkout", why: expect.stringMatching(/most of/) });
    const submodules = { "flake.nix": "{ outputs = _: { }; }", ".gitmodules": "", "big.bin": big };
    expect(await plan(tree(submodules), submodules)).toMatchObject({ why: expect.stringMatching(/submodules/) });
    const relative = {
      "flake.nix": "{ outputs = _: { }; }",
      "flake.lock": JSON.stringify({ nodes: { lib: { locked: { type: "path", path: "./lib" } } } }),
      "big.bin": big,
    };
    expect(await plan(tree(relative), relative)).toMatchObject({ why: expect.stringMatching(/input lib is relative/) });
    const above = {
      "nix/flake.nix": "{ outputs = _: { c = builtins.readFile ../conf; }; }",
      conf: "c",
      "big.bin": big,
    };
    const top = tree(above);
    expect(await plan(top, above, join(top, "nix"))).toMatchObject({ why: expect.stringMatching(/outside the flake/) });
    const dir = { "flake.nix": "{ outputs = _: { d = ./data; }; }", "data/a": "a", "big.bin": big };
    const dirTop = tree(dir);
    expect(await planSource(dirTop, { top: dirTop, tracked: Object.keys(dir) }, "/c/source")).toMatchObject({
      why: expect.stringMatching(/outside git it reads data as a whole/),
    });
    const inGit = { top: dirTop, tracked: Object.keys(dir), gitIndex: { path: "/x", mtimeMs: 0 } };
    expect(await planSource(dirTop, inGit, "/c/source")).toMatchObject({
      kind: "tree",
      files: ["data/a", "flake.nix"],
    });
    for (const open of [
      'import (./modules + "/a.nix")',
      "import ./modules/${name}.nix",
      "toString ./a.nix",
      "f ./a.nix",
      "let p = ./a.nix; in builtins.readDir (dirOf (toString p))",
    ]) {
      const files = { "flake.nix": `{ outputs = _: { m = ${open}; }; }`, "a.nix": "{ }", "big.bin": big };
      expect(await plan(tree(files), files), open).toMatchObject({
        why: expect.stringMatching(/worked out while evaluating/),
      });
    }
    const plain = { "flake.nix": "{ outputs = _: { }; }", "big.bin": big };
    expect(await plan(tree(plain), plain, undefined, "/home/a b/cache/source")).toMatchObject({
      why: expect.stringMatching(/not plain/),
    });
    expect(await plan(tree(plain), plain)).toEqual({ kind: "tree", files: ["flake.nix"], checkoutFiles: 2 });
  });
});
