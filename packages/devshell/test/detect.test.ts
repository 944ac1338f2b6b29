import { describe, expect, it } from "vitest";
import { isPavedError } from "@paved/core";
import { detectProject, resolvePin, scanRepository, type Project } from "@paved/devshell";
import { json, makeRepo } from "./_repo.ts";

function root(files: Record<string, string>): Project {
  const detection = scanRepository(makeRepo(files, { git: false }));
  const project = detection.projects.find((p) => p.dir === "");
  if (!project) throw new Error("no root project detected");
  return project;
}

const pinOf = (project: Project, toolchain: string) => project.pins.find((p) => p.toolchain === toolchain);

describe("detection per language", () => {
  it("a repository file that pins something other than a version is not carried into paved.yaml", () => {
    for (const hostile of ["22.x; rm -rf /", "banana", "$(curl evil)", "22\u202E"]) {
      const p = root({ ".nvmrc": `${hostile}\n`, "package.json": "{}" });
      expect(pinOf(p, "node"), hostile).toMatchObject({ version: "", strength: "presence", file: ".nvmrc" });
      expect(p.notes.join("\n")).toMatch(
        /^\.nvmrc:1: ignored .* as a node version \(expected node version or range such as "22"/m,
      );
      expect(JSON.stringify(p.pins)).not.toContain("rm -rf");
    }
  });

  it("Node: .nvmrc, engines, packageManager and lockfiles", () => {
    const p = root({
      ".nvmrc": "lts/iron\n",
      "package.json": json({ engines: { node: ">=20" }, packageManager: "pnpm@9.15.9+sha512.abc" }),
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    });
    expect(pinOf(p, "node")).toMatchObject({ version: "20", file: ".nvmrc", line: 1, strength: "exact" });
    expect(pinOf(p, "pnpm")).toMatchObject({ version: "9.15.9", file: "package.json", strength: "exact" });
    expect(pinOf(p, "pnpm")!.reason).toContain("pnpm@9.15.9");
    expect(p.conflicts).toEqual([]);
  });

  it("Node: yarn classic vs berry, bun and deno markers", () => {
    expect(pinOf(root({ "package.json": "{}", "yarn.lock": "# yarn lockfile v1\n" }), "yarn")!.version).toBe("1");
    expect(pinOf(root({ "package.json": "{}", "yarn.lock": "__metadata:\n  version: 8\n" }), "yarn")!.version).toBe(
      ">=2",
    );
    const bun = root({ "package.json": "{}", "bun.lock": "{}" });
    expect(pinOf(bun, "bun")).toBeDefined();
    expect(pinOf(bun, "node")).toBeUndefined();
    expect(pinOf(root({ "deno.jsonc": '{ // comment\n "tasks": {}, }\n' }), "deno")).toBeDefined();
  });

  it("Python: .python-version beats requires-python; uv and poetry", () => {
    const p = root({
      ".python-version": "3.12.4\n",
      "pyproject.toml":
        '[project]\nname = "x"\nrequires-python = ">=3.11"\n\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
      "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n',
    });
    expect(pinOf(p, "python")).toMatchObject({ version: "3.12.4", file: ".python-version" });
    expect(pinOf(p, "uv")).toBeDefined();
    const poetry = root({ "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\n', "poetry.lock": "" });
    expect(pinOf(poetry, "python")!.version).toBe(">=3.11,<4");
    expect(resolvePin("python", ">=3.11,<4", "nixos-26.05").attr).toBe("python313");
    expect(pinOf(poetry, "poetry")).toBeDefined();
  });

  it("Go: toolchain line wins over the go line", () => {
    const p = root({ "go.mod": "module example.com/x\n\ngo 1.24.0\n\ntoolchain go1.25.4\n" });
    expect(pinOf(p, "go")).toMatchObject({ version: "1.25.4", line: 5, strength: "exact" });
    expect(resolvePin("go", "1.25.4", "nixos-26.05")).toMatchObject({ attr: "go_1_25", status: "line" });
  });

  it("Rust: channel, components and targets; an exact channel cannot be honoured", () => {
    const p = root({
      "rust-toolchain.toml":
        '[toolchain]\nchannel = "1.80.0"\ncomponents = ["clippy", "rustfmt", "rust-src"]\ntargets = ["wasm32-unknown-unknown"]\n',
      "Cargo.toml": '[package]\nname = "x"\nrust-version = "1.75"\n',
    });
    expect(pinOf(p, "rust")).toMatchObject({ version: "1.80.0", file: "rust-toolchain.toml" });
    expect(p.rust).toEqual({ components: ["clippy", "rustfmt", "rust-src"], targets: ["wasm32-unknown-unknown"] });
    const r = resolvePin("rust", "1.80.0", "nixos-26.05");
    expect(r).toMatchObject({ attr: "rustc", status: "unavailable", extra: ["cargo"] });
    expect(r.reason).toMatch(/one rustc per release.*overlay/);
    expect(resolvePin("rust", ">=1.75", "nixos-26.05").status).toBe("satisfied");
  });

  it("Java/Kotlin: pom release, Gradle toolchain, .java-version", () => {
    expect(
      pinOf(
        root({
          "pom.xml": "<project><properties><maven.compiler.release>17</maven.compiler.release></properties></project>",
        }),
        "java",
      )!.version,
    ).toBe("17");
    const gradle = root({
      "build.gradle.kts":
        'plugins { kotlin("jvm") version "2.1.0" }\njava { toolchain { languageVersion = JavaLanguageVersion.of(21) } }\n',
      gradlew: "",
    });
    expect(pinOf(gradle, "java")!.version).toBe("21");
    expect(pinOf(gradle, "kotlin")!.version).toBe("2.1.0");
    expect(pinOf(gradle, "gradle")).toBeUndefined(); // the wrapper brings Gradle
    expect(pinOf(root({ ".java-version": "temurin-21.0.1\n" }), "java")!.version).toBe("21.0.1");
  });

  it("Ruby, PHP, .NET, Terraform", () => {
    expect(
      pinOf(root({ ".ruby-version": "ruby-3.3.6\n", Gemfile: 'source "https://rubygems.org"\n' }), "ruby")!.version,
    ).toBe("3.3.6");
    expect(pinOf(root({ "composer.json": json({ require: { php: "^8.3" } }) }), "php")!.version).toBe("^8.3");
    expect(resolvePin("php", "^8.3", "nixos-26.05").attr).toBe("php84");
    expect(
      pinOf(root({ "global.json": json({ sdk: { version: "8.0.400", rollForward: "latestFeature" } }) }), "dotnet")!
        .version,
    ).toBe("8.0.400");
    const tf = root({ "main.tf": 'terraform {\n  required_version = ">= 1.5, < 2.0"\n}\n' });
    expect(pinOf(tf, "terraform")).toMatchObject({ version: ">= 1.5, < 2.0", line: 2 });
    expect(resolvePin("terraform", ">= 1.5, < 2.0", "nixos-26.05")).toMatchObject({
      attr: "terraform",
      unfree: "terraform",
    });
  });

  it(".tool-versions and mise.toml are an on-ramp; unknown plugins are noted", () => {
    const p = root({
      ".tool-versions": "nodejs 22.11.0\ngolang 1.25.1\nawscli 2.0\n",
      "mise.toml": '[tools]\npython = "3.13"\n',
    });
    expect(pinOf(p, "node")).toMatchObject({ version: "22.11.0", strength: "manager" });
    expect(pinOf(p, "go")!.version).toBe("1.25.1");
    expect(pinOf(p, "python")!.version).toBe("3.13");
    expect(p.notes.join("\n")).toContain('"awscli" is not a toolchain paved maps');
  });
});

describe("conflicts and bad input", () => {
  it("reports .nvmrc 18 vs engines 22 with the choice and how to override", () => {
    const p = root({ ".nvmrc": "18\n", "package.json": json({ engines: { node: ">=22" } }) });
    expect(p.conflicts).toHaveLength(1);
    const c = p.conflicts[0]!;
    expect(c.chosen.file).toBe(".nvmrc");
    expect(c.message).toContain(".nvmrc:1 asks for node 18");
    expect(c.message).toContain("package.json:");
    expect(c.override).toContain("paved.yaml");
  });

  it("compatible pins are not a conflict", () => {
    expect(root({ ".nvmrc": "22.11.0\n", "package.json": json({ engines: { node: ">=20 <23" } }) }).conflicts).toEqual(
      [],
    );
  });

  it("an invalid package.json names the file, line and column", () => {
    const dir = makeRepo({ "package.json": '{\n  "name": "x",\n  "engines": { "node": "22" \n}\n' }, { git: false });
    let error: unknown;
    try {
      scanRepository(dir);
    } catch (e) {
      error = e;
    }
    expect(isPavedError(error, "E_MARKER_PARSE")).toBe(true);
    expect((error as Error).message).toMatch(/^package\.json:\d+:\d+: not valid JSON/);
    expect((error as { details: { line: number } }).details.line).toBeGreaterThan(1);
  });

  it("an invalid TOML marker names its line", () => {
    const dir = makeRepo({ "pyproject.toml": "[project]\nrequires-python = >=3.11\n" }, { git: false });
    expect(() => scanRepository(dir)).toThrow(/pyproject\.toml:2:\d+: not valid TOML/);
  });
});

describe("mapping to nixpkgs", () => {
  it("says plainly when the release cannot give the version (asked, got, why)", () => {
    const r = resolvePin("node", "20", "nixos-26.05");
    expect(r).toMatchObject({ attr: "nodejs_22", status: "unavailable" });
    expect(r.reason).toContain("asked 20, got nodejs_22");
    expect(r.reason).toContain("no Node.js 20");
    expect(resolvePin("node", "20", "nixos-25.11")).toMatchObject({ attr: "nodejs_20", status: "satisfied" });
  });

  it("ranges pick paved's default when it fits, else the newest that fits", () => {
    expect(resolvePin("node", ">=18", "nixos-26.05").attr).toBe("nodejs_24");
    expect(resolvePin("node", "^22.1.0", "nixos-26.05").attr).toBe("nodejs_22");
    expect(resolvePin("python", "~=3.11.0", "nixos-26.05").attr).toBe("python311");
    expect(resolvePin("ruby", "~>3.3.0", "nixos-26.05").attr).toBe("ruby_3_3");
    expect(resolvePin("yarn", ">=2", "nixos-26.05").attr).toBe("yarn-berry");
    expect(resolvePin("npm", "10", "nixos-26.05").status).toBe("bundled");
  });
});

describe("monorepos", () => {
  const files = {
    "package.json": json({ private: true, workspaces: ["packages/*"], packageManager: "pnpm@10.20.0" }),
    ".nvmrc": "22\n",
    "packages/a/package.json": json({ name: "a" }),
    "packages/b/package.json": json({ name: "b", engines: { node: ">=22" } }),
    "packages/legacy/package.json": json({ name: "legacy" }),
    "packages/legacy/.nvmrc": "24\n",
    "services/api/go.mod": "module api\n\ngo 1.25\n",
    "node_modules/dep/package.json": json({ engines: { node: "0.10" } }),
    "packages/a/node_modules/x/go.mod": "module x\n",
    "services/api/vendor/y/go.mod": "module y\n",
    "dist/package.json": "{ broken",
    ".git-ignored-dir/package.json": "{ broken",
    "generated/package.json": "{ broken",
    ".gitignore": "generated/\n",
  };

  it("gives differing sub-projects their own shell and never enters dependency or build trees", () => {
    const d = detectProject(makeRepo(files, { git: false }));
    expect(d.detection.projects.map((p) => p.dir)).toEqual([
      "",
      "packages/a",
      "packages/b",
      "packages/legacy",
      "services/api",
    ]);
    expect(d.shells.map((s) => s.name)).toEqual(["default", "legacy", "api"]);
    const def = d.shells[0]!;
    expect(def.choices.map((c) => `${c.toolchain}:${c.attr}`)).toEqual(["node:nodejs_22", "pnpm:pnpm_10"]);
    expect(def.serves).toEqual(["", "packages/a", "packages/b"]);
    const legacy = d.shells.find((s) => s.name === "legacy")!;
    expect(legacy.choices.find((c) => c.toolchain === "node")!.attr).toBe("nodejs_24");
    expect(legacy.why).toContain("differs");
    const api = d.shells.find((s) => s.name === "api")!;
    expect(api.dir).toBe("services/api");
    expect(api.choices.map((c) => c.toolchain)).toEqual(["go", "node", "pnpm"]);
    const rootProject = d.detection.projects.find((p) => p.dir === "")!;
    expect(rootProject.workspaceMembers).toEqual(["packages/a", "packages/b", "packages/legacy"]);
  });

  it("names shells uniquely when sub-projects share a directory name", () => {
    const d = detectProject(
      makeRepo(
        { "a/api/go.mod": "module a\n\ngo 1.25\n", "b/api/Cargo.toml": '[package]\nname = "b"\n', "c/api/Gemfile": "" },
        { git: false },
      ),
    );
    expect(d.shells.map((s) => [s.name, s.dir])).toEqual([
      ["default", undefined],
      ["api", "a/api"],
      ["b-api", "b/api"],
      ["c-api", "c/api"],
    ]);
  });

  it("reads Cargo, uv and go.work workspaces (real-world TOML: inline tables, multi-line arrays, dates)", () => {
    const d = detectProject(
      makeRepo(
        {
          "Cargo.toml":
            '[workspace]\nmembers = [\n  "crates/*", # all\n]\n[workspace.package]\nrust-version = "1.80"\n[workspace.dependencies]\nserde = { version = "1", features = ["derive"] }\n[profile.release]\nreleased = 1979-05-27 07:32:00\n',
          "crates/core/Cargo.toml": '[package]\nname = "core"\nrust-version.workspace = true\n',
          "py/pyproject.toml":
            '[project]\nname = "root"\nrequires-python = ">=3.12"\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
          "py/libs/one/pyproject.toml": '[project]\nname = "one"\n',
          "go/go.work": "go 1.25\n\nuse (\n\t./svc // the service\n)\n",
          "go/svc/go.mod": "module svc\n\ngo 1.25\n",
        },
        { git: false },
      ),
    );
    const members = Object.fromEntries(d.detection.projects.map((p) => [p.dir, p.workspaceMembers]));
    expect(members[""]).toEqual(["crates/core"]);
    expect(members.py).toEqual(["py/libs/one"]);
    expect(members.go).toEqual(["go/svc"]);
    expect(d.detection.projects.find((p) => p.dir === "")!.pins[0]).toMatchObject({
      toolchain: "rust",
      version: ">=1.80",
    });
  });
});
