// A repository that already has a flake.nix of its own: paved's shells go into a subflake (nix/paved), the team's
// flake.nix stays byte for byte as it was and keeps working. Real bundled CLI, real nix, the fixture nixpkgs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_NIXPKGS_SOURCE, requireTool } from "@paved/fixtures";
import { makeShellRepo, paved, type ShellRepo } from "./_shellrepo.ts";

const versions = JSON.parse(readFileSync(join(FIXTURE_NIXPKGS_SOURCE, "packages.json"), "utf8")) as Record<
  string,
  { version: string }
>;
const system = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-${process.platform}`;

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  requireTool("bash");
});

/** The team's own Nix, as `nix` sees it (no paved involved). */
function nix(repo: ShellRepo, args: string[], overrides: Record<string, string> = {}) {
  const inputs = Object.entries({ nixpkgs: repo.nixpkgs, ...overrides }).flatMap(([name, path]) => [
    "--override-input",
    name,
    `path:${path}`,
  ]);
  // Nix's own flags go before `-c`, which hands everything after it to the command.
  const c = args.indexOf("-c");
  const argv =
    c < 0
      ? [...args, ...inputs, "--no-write-lock-file"]
      : [...args.slice(0, c), ...inputs, "--no-write-lock-file", ...args.slice(c)];
  const r = spawnSync("nix", argv, { cwd: repo.root, env: repo.env, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

function addProjects(repo: ShellRepo): void {
  repo.write(
    "package.json",
    `${JSON.stringify({ name: "web", private: true, packageManager: "pnpm@10.20.0" }, null, 2)}\n`,
  );
  repo.write(".nvmrc", "22\n");
  repo.write("services/api/go.mod", "module example.com/api\n\ngo 1.25\n");
  repo.git("add", "-A");
}

describe("paved init in a repository with a plain flake.nix of its own", () => {
  let repo: ShellRepo;
  let teamFlake: string;
  let init: Awaited<ReturnType<typeof paved>>;
  beforeAll(async () => {
    repo = await makeShellRepo();
    addProjects(repo);
    teamFlake = readFileSync(join(repo.root, "flake.nix"), "utf8");
    init = await paved(repo, ["init", "--yes"]);
  });

  it("exits 0, keeps the team's flake.nix byte for byte and says where paved's shells went and what to review", () => {
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(readFileSync(join(repo.root, "flake.nix"), "utf8")).toBe(teamFlake);
    expect(existsSync(join(repo.root, "nix/paved/flake.nix"))).toBe(true);
    expect(init.stdout).toContain("create nix/paved/flake.nix");
    expect(init.stdout).toContain("paved did not read or change it");
    expect(init.stdout).toMatch(
      /Review and commit: nix\/paved\/flake\.nix, paved\.yaml, \.envrc, services\/api\/\.envrc\./,
    );
    expect(init.stdout).not.toContain("keep (not written by paved");
    // Nix only sees what git knows about.
    expect(repo.git("ls-files", "nix/paved/flake.nix").trim()).toBe("nix/paved/flake.nix");
    // The .envrc files point at paved's subflake, not at the team's flake.
    expect(readFileSync(join(repo.root, ".envrc"), "utf8")).toContain("use flake nix/paved ");
    expect(readFileSync(join(repo.root, "services/api/.envrc"), "utf8")).toContain("use flake '../../nix/paved#api' ");
  });

  it("paved shell enters paved's shells from the root and from a sub-project", async () => {
    const node = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "node", "--version"]);
    expect(node.stderr).not.toMatch(/error/);
    expect(node.stdout.trim()).toBe(`node ${versions.nodejs_22!.version}`);
    const go = await paved(
      repo,
      ["shell", "--nixpkgs", repo.nixpkgs, "--", "go", "version"],
      join(repo.root, "services/api"),
    );
    expect(go.code).toBe(0);
    expect(go.stdout.trim()).toBe(`go ${versions.go_1_26!.version}`);
    const named = await paved(repo, ["shell", "api", "--nixpkgs", repo.nixpkgs, "--", "go", "version"]);
    expect(named.stdout.trim()).toBe(`go ${versions.go_1_26!.version}`);
  });

  it("the team's own outputs still work with plain nix, and nix develop works on paved's subflake without paved", () => {
    const team = nix(repo, ["develop", ".#default", "-c", "hello", "--version"]);
    expect(team.stderr).not.toMatch(/^error/m);
    expect(team.stdout).toContain("hello 2.12.2");
    expect(nix(repo, ["flake", "check"]).code).toBe(0);
    const own = nix(repo, ["develop", "./nix/paved#api", "-c", "go", "version"]);
    expect(own.stdout).toBe(`go ${versions.go_1_26!.version}`);
  });

  it("a second init and paved sync change nothing; status is clean", async () => {
    const again = await paved(repo, ["init", "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("unchanged nix/paved/flake.nix");
    const sync = await paved(repo, ["sync"]);
    expect(sync.code).toBe(0);
    expect(readFileSync(join(repo.root, "flake.nix"), "utf8")).toBe(teamFlake);
    const status = JSON.parse((await paved(repo, ["status", "--json"])).stdout) as {
      steps: { step: number; state: string }[];
      drift: unknown[];
    };
    expect(status.steps.find((s) => s.step === 2)?.state).toBe("done");
    expect(JSON.stringify(status.drift ?? [])).not.toContain("flake.nix");
  });

  it("a shell name the subflake lacks is named as such, never blamed on the network", async () => {
    const missing = await paved(repo, ["shell", "nosuch", "--nixpkgs", repo.nixpkgs, "--", "true"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("E_SHELL_UNKNOWN");
    expect(missing.stderr).not.toMatch(/network|E_NIX_INPUT/);
  });
});

/** A stand-in for numtide/flake-utils (the real one cannot be fetched here): the same eachDefaultSystem. */
function fakeFlakeUtils(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "paved-flake-utils-")), "flake-utils");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "flake.nix"),
    `{
  outputs = { self }: {
    lib.eachDefaultSystem = f:
      let
        systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
        per = map (system: { inherit system; out = f system; }) systems;
        names = builtins.attrNames (builtins.head per).out;
      in builtins.listToAttrs (map (name: {
        inherit name;
        value = builtins.listToAttrs (map (p: { name = p.system; value = p.out.\${name}; }) per);
      }) names);
  };
}
`,
  );
  return dir;
}

const UTILS_FLAKE = `{
  description = "a team's flake in the flake-utils style";
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-utils.url = "github:numtide/flake-utils";
  };
  outputs = { self, nixpkgs, flake-utils }:
    flake-utils.lib.eachDefaultSystem (system:
      let pkgs = nixpkgs.legacyPackages.\${system}; in {
        packages.default = pkgs.hello;
        devShells.default = pkgs.mkShell { packages = [ pkgs.hello ]; };
      });
}
`;

describe("paved init in a flake-utils-style repository with its own .envrc", () => {
  let repo: ShellRepo;
  let utils: string;
  let init: Awaited<ReturnType<typeof paved>>;
  beforeAll(async () => {
    repo = await makeShellRepo();
    utils = fakeFlakeUtils();
    repo.write("flake.nix", UTILS_FLAKE);
    repo.write(".envrc", "use flake\n");
    addProjects(repo);
    init = await paved(repo, ["init", "--yes"]);
  });

  it("leaves the team's .envrc alone, says so, and still exits 0", () => {
    expect(init.code).toBe(0);
    expect(readFileSync(join(repo.root, ".envrc"), "utf8")).toBe("use flake\n");
    expect(readFileSync(join(repo.root, "flake.nix"), "utf8")).toBe(UTILS_FLAKE);
    expect(init.stdout).toContain("leave alone (yours) .envrc");
    expect(init.stdout).toContain("make it `use flake ./nix/paved`");
  });

  it("status does not call the team's own .envrc drift", async () => {
    const status = await paved(repo, ["status", "--json"]);
    expect(status.stdout).not.toContain(".envrc was edited by hand");
    expect(
      (JSON.parse(status.stdout) as { steps: { step: number; state: string }[] }).steps.find((s) => s.step === 2)
        ?.state,
    ).toBe("done");
  });

  it("paved's shells work without fetching the team's inputs; the team's shell works with them", async () => {
    // paved's subflake needs only nixpkgs: flake-utils (unfetchable here) is never asked for.
    const node = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "node", "--version"]);
    expect(node.stdout.trim()).toBe(`node ${versions.nodejs_22!.version}`);
    const team = nix(repo, ["develop", ".#default", "-c", "hello", "--version"], { "flake-utils": utils });
    expect(team.stdout).toContain("hello 2.12.2");
    expect(nix(repo, ["eval", `.#packages.${system}.default.name`], { "flake-utils": utils }).stdout).toBe(
      '"hello-2.12.2"',
    );
  });
});

describe("a gitignored .envrc", () => {
  it("is a warning with the fix, not a failure; the flake is still added for Nix", async () => {
    const repo = await makeShellRepo();
    repo.write(".gitignore", ".envrc\n");
    addProjects(repo);
    const init = await paved(repo, ["init", "--yes"]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("Detected toolchains");
    expect(init.stdout).toMatch(/warning: \.envrc is ignored by git \(\.gitignore\).*git add -f \.envrc/);
    expect(repo.git("ls-files", "nix/paved/flake.nix").trim()).toBe("nix/paved/flake.nix");
    expect(existsSync(join(repo.root, "services/api/.envrc"))).toBe(true);
  });
});
