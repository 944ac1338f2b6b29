// Complete invalidation: every form through which a flake reads files of its own tree, each in a fresh repository
// evaluated by the real Nix. Editing a file the evaluation reads makes the cache miss (and the new content reaches
// the shell); editing a tracked file it never reads keeps it warm.
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import { makeShellRepo, paved, type ShellRepo } from "./_shellrepo.ts";
import { flake } from "./_sourcerepo.ts";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
});

/** `files` beside a README and 300 KB that the flake never reads: enough that Nix gets a tree (shell/_source.ts). */
async function repoWith(files: Record<string, string>): Promise<ShellRepo> {
  const repo = await makeShellRepo();
  repo.write("README.md", "# never read by the flake\n");
  repo.write("assets/big.bin", "x".repeat(300_000));
  for (const [file, text] of Object.entries(files)) repo.write(file, text);
  repo.git("add", "-A");
  return repo;
}

async function shell(repo: ShellRepo, script: string) {
  const result = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "sh", "-c", script]);
  expect(result.stderr).not.toMatch(/error/i);
  expect(result.code).toBe(0);
  return result;
}

/** What a `paved shell` would do now, without doing it (no Nix runs for a dry run). */
async function state(repo: ShellRepo): Promise<{ cache: string; why?: string[]; command?: string[] }> {
  const result = await paved(repo, ["--json", "shell", "--dry-run", "--nixpkgs", repo.nixpkgs]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { cache: string };
}

/** Captures, checks an unread file keeps the cache warm, then that editing `file` misses and shows the edit. */
async function expectTracked(
  repo: ShellRepo,
  probe: string,
  file: string,
  edited: string,
  expected: RegExp,
): Promise<void> {
  await shell(repo, probe);
  expect((await state(repo)).cache).toBe("hit");
  repo.write("README.md", "# edited, still never read\n");
  expect((await state(repo)).cache).toBe("hit");
  repo.write(file, edited);
  // Nix gets a tree of the files the shell reads (shell/_source.ts), and the edit is in it.
  expect(await state(repo)).toMatchObject({
    cache: "miss",
    command: expect.arrayContaining([expect.stringMatching(/^path:\/.*\/source#default$/)]),
  });
  const after = await shell(repo, probe);
  expect(after.stdout).toMatch(expected);
  expect((await state(repo)).cache).toBe("hit");
}

describe("the cache key covers every file the evaluation reads", () => {
  it("import of a .nix file", async () => {
    const repo = await repoWith({ "flake.nix": flake("", "import ./nix/tools.nix { inherit pkgs; }") });
    await expectTracked(
      repo,
      "command -v uv || echo no-uv",
      "nix/tools.nix",
      "{ pkgs }: [ pkgs.hello pkgs.uv ]\n",
      /-uv-0\.9\.9\/bin\/uv/,
    );
  });

  it("builtins.readFile", async () => {
    const repo = await repoWith({ "flake.nix": flake("HOOK = builtins.readFile ./hook.sh;"), "hook.sh": "echo one\n" });
    await expectTracked(repo, 'printf "%s" "$HOOK"', "hook.sh", "echo two\n", /^echo two/);
  });

  it("builtins.fromJSON (builtins.readFile …)", async () => {
    const repo = await repoWith({
      "flake.nix": flake("APP = (builtins.fromJSON (builtins.readFile ./package.json)).version;"),
      "package.json": '{ "version": "1.0.0" }\n',
    });
    await expectTracked(repo, 'echo "v=$APP"', "package.json", '{ "version": "2.0.0" }\n', /v=2\.0\.0/);
  });

  it("builtins.fromTOML", async () => {
    const repo = await repoWith({
      "flake.nix": flake("CRATE = (builtins.fromTOML (builtins.readFile ./Cargo.toml)).package.version;"),
      "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
    });
    await expectTracked(
      repo,
      'echo "v=$CRATE"',
      "Cargo.toml",
      '[package]\nname = "x"\nversion = "0.2.0"\n',
      /v=0\.2\.0/,
    );
  });

  it("a path literal to a file (copied to the store)", async () => {
    const repo = await repoWith({ "flake.nix": flake("SCRIPT = ./scripts/run.sh;"), "scripts/run.sh": "one\n" });
    await expectTracked(repo, 'cat "$SCRIPT"', "scripts/run.sh", "two\n", /^two/);
  });

  it("src = ./. depends on every tracked file, said once; untracked files stay out", async () => {
    const repo = await repoWith({ "flake.nix": flake("src = ./.;"), "app/main.c": "int main;\n" });
    const first = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "cat", "app/main.c"]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/depends on every tracked file \(flake\.nix:\d+:\d+: \.\/\.\)/);
    repo.write("notes.txt", "untracked: Nix cannot see it\n");
    expect((await state(repo)).cache).toBe("hit");
    repo.write("README.md", "# now read: the whole tree is the source\n");
    expect((await state(repo)).cache).toBe("miss");
    const second = await paved(repo, ["shell", "--nixpkgs", repo.nixpkgs, "--", "sh", "-c", 'cat "$src/README.md"']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("now read");
    // Said once, not on every evaluation.
    expect(second.stderr).not.toMatch(/every tracked file/);
  });

  it("src = ./. with a filter (builtins.path … filter)", async () => {
    const repo = await repoWith({
      "flake.nix": flake(
        'src = builtins.path { path = ./.; name = "src"; filter = p: t: baseNameOf p != "README.md"; };',
      ),
      "app/main.c": "int one;\n",
    });
    await shell(repo, 'cat "$src/app/main.c"');
    repo.write("app/main.c", "int two;\n");
    expect((await state(repo)).cache).toBe("miss");
    expect((await shell(repo, 'cat "$src/app/main.c"')).stdout).toContain("int two;");
  });

  it("builtins.path of a directory, including a file added to it", async () => {
    const repo = await repoWith({
      "flake.nix": flake('DATA = builtins.path { path = ./data; name = "data"; };'),
      "data/a.txt": "a1\n",
    });
    await expectTracked(repo, 'cat "$DATA/a.txt"', "data/a.txt", "a2\n", /^a2/);
    repo.write("data/b.txt", "b\n");
    repo.git("add", "data/b.txt");
    expect((await state(repo)).cache).toBe("miss");
    expect((await shell(repo, 'cat "$DATA/b.txt"')).stdout).toBe("b\n");
  });

  it("lib.fileset.toSource", async () => {
    const repo = await repoWith({
      "flake.nix": flake(
        "src = lib.fileset.toSource { root = ./.; fileset = lib.fileset.unions [ ./app ./Makefile ]; };",
      ),
      "app/main.c": "int one;\n",
      Makefile: "all:\n",
    });
    await shell(repo, 'cat "$src/app/main.c"');
    repo.write("app/main.c", "int two;\n");
    expect((await state(repo)).cache).toBe("miss");
    const after = await shell(repo, 'cat "$src/app/main.c"; ls "$src"');
    expect(after.stdout).toContain("int two;");
    // The fileset really selects: README.md is not in the source.
    expect(after.stdout).not.toContain("README.md");
  });

  it('self + "/x"', async () => {
    const repo = await repoWith({
      "flake.nix": flake('CONF = builtins.readFile (self + "/conf/app.conf");'),
      "conf/app.conf": "port=1\n",
    });
    await expectTracked(repo, 'printf "%s" "$CONF"', "conf/app.conf", "port=2\n", /^port=2/);
  });

  it('"${self}/x" in a string', async () => {
    const repo = await repoWith({
      "flake.nix": flake('CONF = builtins.readFile "${self}/conf/app.conf";'),
      "conf/app.conf": "port=1\n",
    });
    await expectTracked(repo, 'printf "%s" "$CONF"', "conf/app.conf", "port=2\n", /^port=2/);
  });

  it("callPackage ./dir, and a file its default.nix reads", async () => {
    const repo = await repoWith({
      "flake.nix": flake("", "[ (pkgs.callPackage ./pkgs/tool { }) ]"),
      "pkgs/tool/default.nix": '{ writeShellScriptBin }: writeShellScriptBin "tool" (builtins.readFile ./tool.sh)\n',
      "pkgs/tool/tool.sh": "echo tool-one\n",
    });
    await expectTracked(repo, "tool", "pkgs/tool/tool.sh", "echo tool-two\n", /tool-two/);
    repo.write("pkgs/tool/default.nix", '{ writeShellScriptBin }: writeShellScriptBin "tool" "echo rewritten"\n');
    expect((await state(repo)).cache).toBe("miss");
  });

  it("a file the flake names before it exists counts once git can see it", async () => {
    const repo = await repoWith({
      "flake.nix": flake('EXTRA = if builtins.pathExists ./extra.txt then builtins.readFile ./extra.txt else "none";'),
    });
    expect((await shell(repo, 'echo "extra=$EXTRA"')).stdout).toContain("extra=none");
    repo.write("extra.txt", "here\n");
    repo.git("add", "extra.txt");
    expect((await state(repo)).cache).toBe("miss");
    expect((await shell(repo, 'echo "extra=$EXTRA"')).stdout).toContain("extra=here");
  });

  it("a new tracked .nix file nothing imports does not re-evaluate", async () => {
    const repo = await repoWith({ "flake.nix": flake("", "import ./nix/tools.nix { inherit pkgs; }") });
    await shell(repo, "true");
    repo.write("nix/unused.nix", "{ }\n");
    repo.git("add", "nix/unused.nix");
    expect((await state(repo)).cache).toBe("hit");
  });
});
