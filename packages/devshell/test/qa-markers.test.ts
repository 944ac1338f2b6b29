/**
 * Regressions found by running `paved init` on recreated marker files of real public repositories
 * (Laravel-era composer.json, Mastodon's Gemfile, .NET global.json with comments, legacy rust-toolchain,
 * Gradle/Maven multi-module builds, go.work `use .`, broken links and pipes).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectProject, parseRange, resolvePin, scanRepository, type Project } from "@paved/devshell";
import { json, makeRepo } from "./_repo.ts";

const RELEASE = "nixos-26.05";

function project(dir: string, files: Record<string, string>): Project {
  const found = scanRepository(makeRepo(files, { git: false })).projects.find((p) => p.dir === dir);
  if (!found) throw new Error(`no project at "${dir}"`);
  return found;
}
const pinOf = (p: Project, toolchain: string) => p.pins.find((x) => x.toolchain === toolchain);

describe("QA: marker files as real repositories write them", () => {
  it('Composer\'s single-bar OR ("^7.4|^8.0") is a range, not unreadable text', () => {
    const range = parseRange("^7.4|^8.0");
    expect(range?.npm.set).toHaveLength(2);
    const p = project("", { "composer.json": json({ require: { php: "^7.4|^8.0" } }) });
    const r = resolvePin("php", pinOf(p, "php")!.version, RELEASE);
    expect(r.status).toBe("satisfied");
    expect(r.attr).toBe("php84");
  });

  it("Gemfile: `~> 3.2` keeps Ruby's meaning (3.2 up to 4.0) and every requirement on the line counts", () => {
    const pess = project("", { Gemfile: "source 'https://rubygems.org'\nruby '~> 3.2'\n" });
    expect(pinOf(pess, "ruby")).toMatchObject({ version: "~> 3.2", line: 2 });
    expect(resolvePin("ruby", "~> 3.2", RELEASE)).toMatchObject({ status: "satisfied", attr: "ruby_3_4" });
    // Mastodon-style bounds: the upper bound must not be dropped.
    const bounded = project("", {
      Gemfile: "source 'https://rubygems.org'\nruby '>= 3.2.0', '< 3.4.0'\n\ngem 'rails'\n",
    });
    expect(pinOf(bounded, "ruby")!.version).toBe(">= 3.2.0, < 3.4.0");
    expect(resolvePin("ruby", pinOf(bounded, "ruby")!.version, RELEASE).attr).toBe("ruby_3_3");
    // Bundler's `ruby file: ".ruby-version"` names no version itself.
    const file = project("", { Gemfile: 'ruby file: ".ruby-version"\n', ".ruby-version": "3.3.6\n" });
    expect(pinOf(file, "ruby")).toMatchObject({ version: "3.3.6", file: ".ruby-version" });
  });

  it(".NET global.json with comments and trailing commas is read (the dotnet host accepts them)", () => {
    const p = project("", {
      "global.json":
        '{\n  // pinned for CI images\n  "sdk": { "version": "9.0.100", "rollForward": "latestFeature", },\n}\n',
    });
    expect(pinOf(p, "dotnet")).toMatchObject({ version: "9.0.100", line: 3 });
  });

  it("a legacy rust-toolchain file holding TOML is read as TOML, components included", () => {
    const p = project("", {
      "rust-toolchain": '[toolchain]\nchannel = "1.80.0"\ncomponents = ["clippy"]\n',
      "Cargo.toml": '[package]\nname = "a"\n',
    });
    expect(pinOf(p, "rust")).toMatchObject({ version: "1.80.0", file: "rust-toolchain", line: 2 });
    expect(p.rust?.components).toEqual(["clippy"]);
    expect(pinOf(project("", { "rust-toolchain": "1.79.0\n" }), "rust")!.version).toBe("1.79.0");
  });

  it("Gradle and Maven modules use the wrapper at the build's root: no gradle/maven package for them", () => {
    const files = {
      "settings.gradle.kts": 'include("core", "tests")\n',
      "build.gradle.kts": "plugins { java }\njava { toolchain { languageVersion = JavaLanguageVersion.of(17) } }\n",
      gradlew: "#!/bin/sh\n",
      "core/build.gradle.kts": "plugins { java }\n",
      "svc/pom.xml": "<project><properties><java.version>21</java.version></properties></project>\n",
      "svc/mvnw": "#!/bin/sh\n",
      "svc/api/pom.xml": "<project><properties><java.version>21</java.version></properties></project>\n",
      "lonely/pom.xml": "<project></project>\n",
    };
    const dir = makeRepo(files, { git: false });
    const projects = scanRepository(dir).projects;
    const at = (d: string) => projects.find((p) => p.dir === d)!;
    expect(pinOf(at("core"), "gradle")).toBeUndefined();
    expect(pinOf(at("svc/api"), "maven")).toBeUndefined();
    // Without any wrapper above it, Maven still has to come from the shell.
    expect(pinOf(at("lonely"), "maven")).toBeDefined();
  });

  it('go.work `use .` and workspaces ["."] name the root itself, not a member without markers', () => {
    const go = project("", {
      "go.work": "go 1.25.0\n\nuse (\n\t.\n\t./tools\n)\n",
      "go.mod": "module x\n\ngo 1.25.0\n",
      "tools/go.mod": "module x/tools\n\ngo 1.25.0\n",
    });
    expect(go.notes.filter((n) => n.includes("has no marker files"))).toEqual([]);
    const node = project("", {
      "package.json": json({ workspaces: [".", "streaming", "missing"] }),
      "streaming/package.json": "{}",
    });
    expect(node.notes.filter((n) => n.includes("has no marker files"))).toEqual([
      "workspace member missing (in the root) has no marker files; nothing to detect there.",
    ]);
  });

  it("a marker that is a dangling link or a pipe is noted and skipped, never read (no hang, no crash)", () => {
    const dir = makeRepo({ "package.json": json({ engines: { node: "22" } }), "a/x.txt": "" }, { git: false });
    symlinkSync("/nonexistent/package.json", join(dir, "a", "package.json"));
    mkdirSync(join(dir, "b"));
    execFileSync("mkfifo", [join(dir, "b", "package.json")]);
    symlinkSync("..", join(dir, "b", "loop"));
    const result = detectProject(dir);
    expect(result.notes).toContain(
      "a/package.json is not a regular file (a link to a missing file, a directory or a pipe); ignored.",
    );
    expect(result.notes).toContain(
      "b/package.json is not a regular file (a link to a missing file, a directory or a pipe); ignored.",
    );
    expect(result.shells.map((s) => s.name)).toEqual(["default"]);
    expect(result.shells[0]!.choices.find((c) => c.toolchain === "node")?.attr).toBe("nodejs_22");
  });

  it("two lines for one tool in .tool-versions: the conflict says the first line wins, in words that make sense", () => {
    const p = project("", { ".tool-versions": "nodejs 22.1.0 20.0.0\nnodejs 18\n" });
    expect(pinOf(p, "node")!.version).toBe("22.1.0");
    expect(p.conflicts[0]!.message).toContain("both are manager pins; the first one read wins");
  });

  it("vuejs/core's `.node-version` lts/* maps to the newest LTS line (Node 26 since 2026-10-28), not paved's default", () => {
    const dir = makeRepo(
      {
        ".node-version": "lts/*",
        "package.json": json({ packageManager: "pnpm@10.30.2", engines: { node: ">=20.0.0" } }),
      },
      { git: false },
    );
    const node = detectProject(dir).shells[0]!.choices.find((c) => c.toolchain === "node")!;
    expect(node).toMatchObject({ asked: "lts", attr: "nodejs_26", status: "satisfied" });
    expect(node.mapping).toContain("newest LTS line");
  });

  it("pom.xml: a commented-out java.version or module is not read, and the line number of the real one is kept", () => {
    const pom =
      "<project>\n  <!-- was: <java.version>8</java.version> -->\n  <properties>\n    <java.version>21</java.version>\n  </properties>\n  <modules>\n    <module>core</module>\n    <!-- <module>legacy</module> -->\n  </modules>\n</project>\n";
    const p = project("", { "pom.xml": pom, mvnw: "" });
    expect(pinOf(p, "java")).toMatchObject({ version: "21", line: 4 });
    expect(p.workspaceMembers).toEqual([]);
    expect(p.notes.some((n) => n.includes("legacy"))).toBe(false);
  });
});
