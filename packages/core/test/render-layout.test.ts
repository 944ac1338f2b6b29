/**
 * Layout (golden texts in nixfmt / RFC 166 style), builder semantics checked by the real `nix eval`,
 * and the errors bad input gets.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import {
  attrs,
  bind,
  call,
  fn,
  id,
  ifElse,
  inherit,
  inheritFrom,
  letIn,
  list,
  nix,
  op,
  path,
  renderNix,
  sel,
  withScope,
  type NixValue,
} from "@paved/core";

let dir = "";
beforeAll(() => {
  requireTool("nix");
  dir = mkdtempSync(join(tmpdir(), "paved-layout-"));
});
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

/** Evaluates `expr` from a file in the temp dir, so it can import its neighbours. */
function nixEvalExpr(expr: string): unknown {
  writeFileSync(join(dir, "eval.nix"), expr);
  const out = execFileSync(
    "nix",
    [
      "--extra-experimental-features",
      "nix-command flakes",
      "--option",
      "substituters",
      "",
      "eval",
      "--json",
      "--file",
      join(dir, "eval.nix"),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  return JSON.parse(out);
}

const inline = (v: NixValue) => renderNix(v, { trailingNewline: false });

/* ---------------- golden layout ---------------- */

const pkgs = (name: string) => id(`pkgs.${name}`);

function exampleFlake() {
  const shell = call(pkgs("mkShell"), {
    packages: [pkgs("nodejs_20"), pkgs("pnpm"), pkgs("git")],
    shellHook: 'echo "entering ${name}"\nexport PATH=$PWD/node_modules/.bin:$PATH\n',
  });
  return attrs([
    ["description", "Example fleet"],
    bind(["inputs", "nixpkgs", "url"], "github:NixOS/nixpkgs/nixos-26.05"),
    [
      "outputs",
      fn(
        { params: ["self", "nixpkgs"], ellipsis: true },
        letIn(
          [
            ["system", "x86_64-linux"],
            ["pkgs", sel(id("nixpkgs.legacyPackages"), "x86_64-linux")],
          ],
          attrs([
            bind(["devShells", "x86_64-linux", "default"], shell),
            bind(
              ["nixosConfigurations", "bastion"],
              call(id("nixpkgs.lib.nixosSystem"), {
                modules: [path("./hosts/bastion.nix"), call(id("import"), path("./modules/baseline.nix"))],
              }),
            ),
            inherit("system"),
            inheritFrom(id("nixpkgs"), "lib"),
          ]),
        ),
      ),
    ],
  ]);
}

function longHeadModule() {
  return fn(
    {
      params: [
        "config",
        "lib",
        "pkgs",
        "modulesPath",
        ["hostName", "bastion"],
        ["domain", "example.org"],
        ["extraGroups", list(["wheel"])],
      ],
      ellipsis: true,
    },
    attrs([
      bind(["networking", "hostName"], id("hostName")),
      bind(["services", "openssh", "enable"], true),
      bind(["services", "openssh", "settings", "PermitRootLogin"], "no"),
      bind(["services", "openssh", "settings", "PasswordAuthentication"], false),
      bind(["networking", "domain"], id("domain")),
      bind(
        ["users", "users", "alice"],
        attrs([
          ["isNormalUser", true],
          inherit("extraGroups"),
          bind(
            ["openssh", "authorizedKeys", "keys"],
            ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKey alice@laptop"],
          ),
        ]),
      ),
      bind(
        ["environment", "systemPackages"],
        withScope(
          id("pkgs"),
          list(["git", "htop", "curl", "jq", "ripgrep", "tmux", "vim", "wget", "rsync", "tree", "unzip"].map(id)),
        ),
      ),
      bind(["system", "stateVersion"], "26.05"),
    ]),
  );
}

describe("layout (golden)", () => {
  it("renders a flake.nix-like tree in nixfmt style", () => {
    expect(renderNix(exampleFlake())).toBe(FLAKE_GOLDEN);
  });

  it("breaks a long function head one parameter per line, and expands long lists", () => {
    expect(renderNix(longHeadModule())).toBe(MODULE_GOLDEN);
  });

  it("the golden files are valid Nix that evaluates to what the tree says", () => {
    writeFileSync(join(dir, "flake.nix"), renderNix(exampleFlake()));
    writeFileSync(join(dir, "module.nix"), renderNix(longHeadModule()));
    mkdirSync(join(dir, "modules"));
    writeFileSync(join(dir, "modules", "baseline.nix"), renderNix(fn({ params: [], ellipsis: true }, {})));
    const fakeNixpkgs = `{
      legacyPackages.x86_64-linux = {
        mkShell = a: a; nodejs_20 = "node"; pnpm = "pnpm"; git = "git";
      };
      lib.nixosSystem = a: a.modules;
    }`;
    const result = nixEvalExpr(`
      let
        flake = import ./flake.nix;
        out = flake.outputs { self = { }; nixpkgs = ${fakeNixpkgs}; };
        pkgs = { git = 1; htop = 2; curl = 3; jq = 4; ripgrep = 5; tmux = 6; vim = 7; wget = 8; rsync = 9; tree = 10; unzip = 11; };
        m = import ./module.nix { config = { }; lib = { }; inherit pkgs; modulesPath = /x; };
      in {
        inherit (flake) description inputs;
        shell = out.devShells.x86_64-linux.default;
        modules = map (x: if builtins.isPath x then baseNameOf x else builtins.typeOf x) out.nixosConfigurations.bastion;
        inherit (out) system;
        lib = builtins.attrNames out.lib;
        inherit m;
      }`);
    expect(result).toEqual({
      description: "Example fleet",
      inputs: { nixpkgs: { url: "github:NixOS/nixpkgs/nixos-26.05" } },
      shell: {
        packages: ["node", "pnpm", "git"],
        shellHook: 'echo "entering ${name}"\nexport PATH=$PWD/node_modules/.bin:$PATH\n',
      },
      modules: ["bastion.nix", "lambda"],
      system: "x86_64-linux",
      lib: ["nixosSystem"],
      m: {
        networking: { hostName: "bastion", domain: "example.org" },
        services: { openssh: { enable: true, settings: { PermitRootLogin: "no", PasswordAuthentication: false } } },
        users: {
          users: {
            alice: {
              isNormalUser: true,
              extraGroups: ["wheel"],
              openssh: {
                authorizedKeys: {
                  keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKey alice@laptop"],
                },
              },
            },
          },
        },
        environment: { systemPackages: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
        system: { stateVersion: "26.05" },
      },
    });
  });

  it("uses { } and [ ], one-line short lists, one binding per line", () => {
    expect(renderNix({})).toBe("{ }\n");
    expect(inline([])).toBe("[ ]");
    expect(inline(attrs({}, { rec: true }))).toBe("rec { }");
    expect(inline(["a", 1, true, null, path("./x")])).toBe('[ "a" 1 true null ./x ]');
    expect(inline({ a: 1 })).toBe("{\n  a = 1;\n}");
    expect(inline([{ a: 1 }])).toBe("[\n  {\n    a = 1;\n  }\n]");
    expect(inline(attrs({ b: 1, a: { d: 1, c: 2 } }, { sort: true }))).toBe(
      "{\n  a = {\n    d = 1;\n    c = 2;\n  };\n  b = 1;\n}",
    );
  });

  it("lays out let, if, with, operators and function heads like nixfmt", () => {
    expect(inline(fn({ params: ["pkgs", "lib"], ellipsis: true }, { a: 1 }))).toBe(
      "{ pkgs, lib, ... }:\n{\n  a = 1;\n}",
    );
    expect(inline(fn({ params: [], ellipsis: true, bind: "args" }, id("args")))).toBe("args@{ ... }:\nargs");
    expect(inline(fn("final", fn("prev", { a: 1 })))).toBe("final: prev: {\n  a = 1;\n}");
    expect(inline(letIn({ x: 1 }, id("x")))).toBe("let\n  x = 1;\nin\nx");
    expect(inline({ v: letIn({ x: 1 }, id("x")) })).toBe("{\n  v =\n    let\n      x = 1;\n    in\n    x;\n}");
    expect(inline(ifElse(id("a"), 1, ifElse(id("b"), 2, 3)))).toBe("if a then 1 else if b then 2 else 3");
    expect(inline(withScope(id("pkgs"), [id("git")]))).toBe("with pkgs; [ git ]");
    expect(inline(op(id("a"), "//", { b: 1 }))).toBe("a // {\n  b = 1;\n}");
    expect(inline(call(id("f"), -1, call(id("g"), 2)))).toBe("f (-1) (g 2)");
    expect(inline(sel({ a: 1 }, "a"))).toBe("{\n  a = 1;\n}.a");
    expect(inline(sel(id("x"), ["a b", "c"], "d"))).toBe('x."a b".c or "d"');
    expect(inline(sel(path("./a.nix"), "b"))).toBe("(./a.nix).b");
  });

  it("quotes attribute names that are not identifiers or are keywords", () => {
    const names = [
      "if",
      "or",
      "let",
      "in",
      "rec",
      "inherit",
      "with",
      "assert",
      "then",
      "else",
      "__curPos",
      "a.b",
      "",
      "1x",
      "a b",
      "${x}",
      'q"',
    ];
    const text = inline(attrs(names.map((k) => [k, 1] as const)));
    for (const k of names) expect(text).toContain(`  ${JSON.stringify(k).replace("${", "\\${")} = 1;`);
    expect(inline({ ok_name: 1, "it's-ok": 2, true: 3 })).toBe("{\n  ok_name = 1;\n  it's-ok = 2;\n  true = 3;\n}");
  });
});

/* Expected output, written the way nixfmt (RFC 166) lays these trees out. */
const FLAKE_GOLDEN = [
  "{",
  '  description = "Example fleet";',
  '  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";',
  "  outputs =",
  "    { self, nixpkgs, ... }:",
  "    let",
  '      system = "x86_64-linux";',
  "      pkgs = nixpkgs.legacyPackages.x86_64-linux;",
  "    in",
  "    {",
  "      devShells.x86_64-linux.default = pkgs.mkShell {",
  "        packages = [ pkgs.nodejs_20 pkgs.pnpm pkgs.git ];",
  "        shellHook = ''",
  "          echo \"entering ''${name}\"",
  "          export PATH=$PWD/node_modules/.bin:$PATH",
  "        '';",
  "      };",
  "      nixosConfigurations.bastion = nixpkgs.lib.nixosSystem {",
  "        modules = [",
  "          ./hosts/bastion.nix",
  "          (import ./modules/baseline.nix)",
  "        ];",
  "      };",
  "      inherit system;",
  "      inherit (nixpkgs) lib;",
  "    };",
  "}",
  "",
].join("\n");

const MODULE_GOLDEN = [
  "{",
  "  config,",
  "  lib,",
  "  pkgs,",
  "  modulesPath,",
  '  hostName ? "bastion",',
  '  domain ? "example.org",',
  '  extraGroups ? [ "wheel" ],',
  "  ...",
  "}:",
  "{",
  "  networking.hostName = hostName;",
  "  services.openssh.enable = true;",
  '  services.openssh.settings.PermitRootLogin = "no";',
  "  services.openssh.settings.PasswordAuthentication = false;",
  "  networking.domain = domain;",
  "  users.users.alice = {",
  "    isNormalUser = true;",
  "    inherit extraGroups;",
  "    openssh.authorizedKeys.keys = [",
  '      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKey alice@laptop"',
  "    ];",
  "  };",
  "  environment.systemPackages = with pkgs; [",
  "    git",
  "    htop",
  "    curl",
  "    jq",
  "    ripgrep",
  "    tmux",
  "    vim",
  "    wget",
  "    rsync",
  "    tree",
  "    unzip",
  "  ];",
  '  system.stateVersion = "26.05";',
  "}",
  "",
].join("\n");

describe("layout regressions", () => {
  it("keeps parentheses around a multi-line lambda passed as an argument", () => {
    const text = renderNix(
      call(
        id("forAllSystems"),
        fn("pkgs", attrs({ default: call(sel(id("pkgs"), ["mkShell"]), attrs({ name: "x" })) })),
      ),
      { trailingNewline: false },
    );
    expect(text.startsWith("forAllSystems (pkgs: {")).toBe(true);
    expect(text.endsWith("})")).toBe(true);
  });

  it("lets a template write Nix's own ${…} as \\${…}", () => {
    const text = renderNix(nix`system: f nixpkgs.legacyPackages.\${system}`, { trailingNewline: false });
    expect(text).toBe("system: f nixpkgs.legacyPackages.${system}");
  });
});
