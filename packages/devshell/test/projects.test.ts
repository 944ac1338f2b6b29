// Which directories are projects: shapes seen in real repositories (issue 13) — a shell for every example, a Rust
// pin from a test case, a Python range from an acceptance suite, a CI helper's .python-version in the root shell.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectProject, initProject, scanRepository } from "@paved/devshell";
import { json, makeRepo } from "./_repo.ts";

const names = (files: Record<string, string>, options = {}) =>
  detectProject(makeRepo(files, { git: false }), options).shells.map((s) => s.name);
const defaultChoice = (files: Record<string, string>, toolchain: string) =>
  detectProject(makeRepo(files, { git: false })).shells[0]!.choices.find((c) => c.toolchain === toolchain);

describe("directories that are not projects", () => {
  it("examples, tests, test data, docs, acceptance suites, vendored and generated trees get no shell", () => {
    const files: Record<string, string> = {
      "go.mod": "module example.com/tool\n\ngo 1.25\n",
      "services/api/package.json": json({ name: "api" }),
    };
    const notProjects = [
      "examples/basic",
      "examples/with-rust",
      "example",
      "samples/a",
      "tests/rust-toolchain-file",
      "test/e2e",
      "__tests__/x",
      "testdata/mod",
      "test_data/py",
      "internal/testdata/gomod",
      "fixtures/app",
      "pkg/__fixtures__/a",
      "docs",
      "docs/site",
      "acceptance/cases/py",
      "cmd/testscripts/x",
      "vendor/github.com/x/y",
      "third_party/lib",
      "api/generated/client",
    ];
    for (const dir of notProjects) {
      files[`${dir}/package.json`] = json({ name: dir.replaceAll("/", "-"), engines: { node: "18" } });
      files[`${dir}/Cargo.toml`] = '[package]\nname = "x"\nrust-version = "1.70"\n';
      files[`${dir}/rust-toolchain`] = "1.70.0\n";
      files[`${dir}/.python-version`] = "3.9\n";
    }
    const result = detectProject(makeRepo(files, { git: false }));
    expect(result.shells.map((s) => s.name)).toEqual(["default", "api"]);
    expect(result.detection.projects.map((p) => p.dir)).toEqual(["", "services/api"]);
    // Nothing from them reaches the root shell.
    expect(result.shells[0]!.choices.map((c) => c.toolchain)).toEqual(["go"]);
    // Every skip is explained, grouped by reason.
    expect(result.skipped.join("\n")).toMatch(/^examples: example\/, examples\/, samples\/$/m);
    expect(result.skipped.join("\n")).toMatch(/^documentation: docs\/$/m);
    expect(result.skipped.join("\n")).toMatch(/^vendored code: third_party\/, vendor\/$/m);
    expect(result.skipped.join("\n")).toMatch(/^generated code: api\/generated\/$/m);
    expect(result.skipped.join("\n")).toMatch(
      /^tests: __tests__\/, acceptance\/, cmd\/testscripts\/, test\/ and 1 more$/m,
    );
  });

  it("a root shell never takes a pin from a test case, an acceptance suite or a CI helper", () => {
    // The root names Rust/Python without a version; before, the one sub-project with a version filled it.
    const rust = defaultChoice(
      {
        "Cargo.toml": '[package]\nname = "x"\n',
        "tests/rust-toolchain-file/rust-toolchain.toml": '[toolchain]\nchannel = "1.70.0"\n',
      },
      "rust",
    );
    expect(rust?.asked).toBe("");
    const python = defaultChoice(
      {
        "pyproject.toml": '[project]\nname = "x"\n',
        "acceptance/suite/pyproject.toml": '[project]\nname = "a"\nrequires-python = ">=3.8,<3.10"\n',
      },
      "python",
    );
    expect(python?.asked).toBe("");
    const ci = detectProject(
      makeRepo(
        {
          "pyproject.toml": '[project]\nname = "x"\n',
          "ci/lint/.python-version": "3.11\n",
          "ci/lint/requirements.txt": "ruff\n",
        },
        { git: false },
      ),
    );
    expect(ci.shells[0]!.choices.find((c) => c.toolchain === "python")?.from).toBe("pyproject.toml");
    // The CI helper may still have a shell of its own: it is a real directory with real pins.
    expect(ci.shells.map((s) => s.name)).toEqual(["default", "lint"]);
  });

  it("a git submodule or nested repository is someone else's project", () => {
    const dir = makeRepo(
      {
        "go.mod": "module x\n\ngo 1.25\n",
        "deps/lib/package.json": json({ name: "lib" }),
        "deps/lib/.git": "gitdir: ../../.git/modules/lib\n",
      },
      { git: false },
    );
    const result = detectProject(dir);
    expect(result.shells.map((s) => s.name)).toEqual(["default"]);
    expect(result.skipped).toEqual(["a git submodule or nested repository: deps/lib/"]);
  });

  it("a published package's engines field is a floor for its users, not a shell of its own", () => {
    const result = detectProject(
      makeRepo(
        {
          ".nvmrc": "24\n",
          "package.json": json({ private: true, workspaces: ["packages/*"] }),
          "packages/cli/package.json": json({
            name: "@acme/cli",
            version: "1.0.0",
            bin: { acme: "bin.js" },
            engines: { node: "^18.18.0 || >=20" },
          }),
          "packages/app/package.json": json({ name: "app", private: true }),
        },
        { git: false },
      ),
    );
    expect(result.shells.map((s) => s.name)).toEqual(["default"]);
    const pin = result.detection.projects
      .find((p) => p.dir === "packages/cli")!
      .pins.find((p) => p.toolchain === "node")!;
    expect(pin).toMatchObject({ version: ">=18.18", floor: true });
    expect(pin.reason).toContain("a floor");
    // A published package alone at the root: its floor picks paved's default line, not the oldest it allows.
    const alone = detectProject(
      makeRepo(
        {
          "package.json": json({ name: "tool", version: "1.0.0", bin: "cli.js", engines: { node: "18 || 20 || 22" } }),
        },
        { git: false },
      ),
    );
    expect(alone.shells[0]!.choices.find((c) => c.toolchain === "node")).toMatchObject({
      asked: ">=18",
      attr: "nodejs_24",
      status: "satisfied",
    });
  });
});

describe("detect.include / detect.exclude in paved.yaml", () => {
  it("exclude drops a directory (and everything below) with the reason; include brings one example back", () => {
    const files = {
      "go.mod": "module x\n\ngo 1.25\n",
      "legacy/app/package.json": json({ name: "old" }),
      "examples/starter/package.json": json({ name: "starter" }),
      "examples/starter/.nvmrc": "22\n",
      "examples/other/package.json": json({ name: "other" }),
    };
    expect(names(files)).toEqual(["default", "app"]);
    const result = detectProject(makeRepo(files, { git: false }), {
      include: ["examples/starter"],
      exclude: ["legacy/**"],
    });
    expect(result.shells.map((s) => s.name)).toEqual(["default", "starter"]);
    expect(result.detection.projects.map((p) => p.dir)).toEqual(["", "examples/starter"]);
    expect(result.skipped).toContain('detect.exclude "legacy/**" in paved.yaml: legacy/');
  });

  it("paved init reads them from paved.yaml and rejects a glob that leaves the repository, with its line", async () => {
    const dir = makeRepo({
      "go.mod": "module x\n\ngo 1.25\n",
      "examples/demo/package.json": json({ name: "demo" }),
      "examples/demo/.nvmrc": "22\n",
    });
    writeFileSync(join(dir, "paved.yaml"), "version: 1\ndetect:\n  include:\n    - examples/*\n");
    const result = await initProject({ dir, dryRun: true });
    expect(result.detected.shells.map((s) => s.name)).toEqual(["default", "demo"]);
    writeFileSync(join(dir, "paved.yaml"), "version: 1\ndetect:\n  exclude:\n    - ../elsewhere\n");
    await expect(initProject({ dir, dryRun: true })).rejects.toThrow(/paved\.yaml:4:7/);
  });

  it("init's output says what was skipped and why", () => {
    const dir = makeRepo({
      "go.mod": "module x\n\ngo 1.25\n",
      "examples/a/package.json": json({ name: "a" }),
      "testdata/b/go.mod": "module b\n",
    });
    mkdirSync(join(dir, "docs"));
    const out = execFileSync(
      process.execPath,
      [new URL("../../../apps/cli/bin/paved.cjs", import.meta.url).pathname, "init", "--dry-run"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(out).toContain(
      "Not projects (no shell, no pins taken from them; set detect.include in paved.yaml to change that):",
    );
    expect(out).toContain("  - examples: examples/");
    expect(out).toContain("  - test data: testdata/");
    expect(out).toContain("  - documentation: docs/");
  });

  it("a big repository with a test/ in every package stays one line per reason", () => {
    const files: Record<string, string> = { "package.json": json({ private: true, workspaces: ["packages/*"] }) };
    for (let i = 0; i < 40; i++) {
      files[`packages/p${i}/package.json`] = json({ name: `p${i}` });
      files[`packages/p${i}/test/fixtures/package.json`] = json({ name: `fixture${i}`, engines: { node: "16" } });
    }
    const result = detectProject(makeRepo(files, { git: false }));
    expect(result.shells.map((s) => s.name)).toEqual(["default"]);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatch(/^tests: packages\/p0\/test\/, .* and 36 more$/);
    expect(scanRepository(result.root).projects).toHaveLength(41);
  });

  it("corpus (square/okhttp): modules named as tests or examples are not projects, and lend the root no JDK", () => {
    const result = detectProject(
      makeRepo(
        {
          "settings.gradle.kts":
            'include(":okhttp", ":maven-tests", ":android-test", ":okhttp-osgi-tests", ":samples-demo")\n',
          "build.gradle.kts": "plugins { java }\n",
          "okhttp/build.gradle.kts": "kotlin { jvmToolchain(21) }\n",
          "maven-tests/pom.xml":
            "<project><properties><maven.compiler.release>8</maven.compiler.release></properties></project>\n",
          "android-test/build.gradle.kts": "java { toolchain { languageVersion.set(JavaLanguageVersion.of(11)) } }\n",
          "okhttp-osgi-tests/build.gradle.kts": "kotlin { jvmToolchain(17) }\n",
          "samples-demo/build.gradle.kts": "kotlin { jvmToolchain(8) }\n",
          "app-e2e/package.json": json({ name: "e2e" }),
        },
        { git: false },
      ),
    );
    expect(result.detection.projects.map((p) => p.dir)).toEqual(["", "okhttp"]);
    expect(result.shells[0]!.choices.find((c) => c.toolchain === "java")).toMatchObject({
      asked: "21",
      from: "okhttp/build.gradle.kts:1",
    });
    expect(result.skipped.join("\n")).toContain("tests: android-test/, app-e2e/, maven-tests/, okhttp-osgi-tests/");
  });

  it("every pattern of a long root .gitignore still keeps its directories out (one combined matcher)", () => {
    const patterns = [
      ...Array.from({ length: 60 }, (_, i) => `*.tmp${i}`),
      "/out-*",
      "build-cache/",
      "web/.next",
      "*.egg-info",
    ];
    const result = detectProject(
      makeRepo(
        {
          ".gitignore": `# comment\n${patterns.join("\n")}\n!keep\n`,
          "go.mod": "module x\n\ngo 1.25\n",
          "out-linux/package.json": json({ name: "a" }),
          "svc/build-cache/package.json": json({ name: "b" }),
          "pkg.egg-info/pyproject.toml": '[project]\nname = "c"\n',
          "x.tmp42/package.json": json({ name: "d" }),
          "app/package.json": json({ name: "app" }),
        },
        { git: false },
      ),
    );
    expect(result.detection.projects.map((p) => p.dir)).toEqual(["", "app"]);
  });
});

describe("source trees are not walked (init speed on the corpus: ruff, okhttp)", () => {
  it("src/ of a Cargo, Maven or npm project holds no project: its directories are not even read", () => {
    const files: Record<string, string> = {
      "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
      "src/ui/assets/package.json": json({ name: "bundled-assets", engines: { node: "16" } }),
      "java/pom.xml":
        "<project><properties><maven.compiler.release>21</maven.compiler.release></properties></project>\n",
      "java/src/main/resources/templates/package.json": json({ name: "template" }),
    };
    for (let i = 0; i < 30; i++) files[`src/m${i}/inner/mod.rs`] = "pub fn f() {}\n";
    const detection = scanRepository(makeRepo(files, { git: false }));
    expect(detection.projects.map((p) => p.dir)).toEqual(["", "java"]);
    // The root, java/ and the few directories outside src/: none of the 60 module directories.
    expect(detection.stats.directories).toBeLessThan(10);
    expect(names(files)).toEqual(["default", "java"]);
  });

  it("a workspace member or a detect.include inside src/ is still found", () => {
    const members = {
      "package.json": json({ private: true, workspaces: ["src/packages/*"] }),
      "src/packages/a/package.json": json({ name: "a", engines: { node: "24" } }),
      "src/packages/b/package.json": json({ name: "b" }),
    };
    expect(scanRepository(makeRepo(members, { git: false })).projects.map((p) => p.dir)).toEqual([
      "",
      "src/packages/a",
      "src/packages/b",
    ]);
    const included = {
      "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
      "src/tools/gen/go.mod": "module example.com/gen\n\ngo 1.25\n",
    };
    expect(scanRepository(makeRepo(included, { git: false })).projects.map((p) => p.dir)).toEqual([""]);
    expect(
      scanRepository(makeRepo(included, { git: false }), { include: ["src/tools/gen"] }).projects.map((p) => p.dir),
    ).toEqual(["", "src/tools/gen"]);
  });

  it("a directory named src without a build file of its own above it is walked as before", () => {
    const files = { "src/services/api/go.mod": "module example.com/api\n\ngo 1.25\n", "README.md": "# mono\n" };
    expect(scanRepository(makeRepo(files, { git: false })).projects.map((p) => p.dir)).toEqual(["src/services/api"]);
  });
});
