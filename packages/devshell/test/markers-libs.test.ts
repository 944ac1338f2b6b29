/**
 * Marker files read by libraries (smol-toml, jsonc-parser, fast-xml-parser, picomatch) through paved's thin
 * adapters: the values, the line each explanation cites, and errors with file:line:col — including the cases
 * the hand-written readers got wrong.
 */
import { describe, expect, it } from "vitest";
import { isPavedError } from "@paved/core";
import { scanRepository, type Project } from "@paved/devshell";
import { json, makeRepo } from "./_repo.ts";

function scan(files: Record<string, string>) {
  return scanRepository(makeRepo(files, { git: false }));
}
const root = (files: Record<string, string>): Project => scan(files).projects.find((p) => p.dir === "")!;
const pinOf = (project: Project, toolchain: string) => project.pins.find((p) => p.toolchain === toolchain);

function errorOf(files: Record<string, string>): { message: string; details: Record<string, unknown> } {
  try {
    scan(files);
  } catch (error) {
    expect(isPavedError(error, "E_MARKER_PARSE")).toBe(true);
    return error as { message: string; details: Record<string, unknown> };
  }
  throw new Error("expected E_MARKER_PARSE");
}

describe("TOML (smol-toml)", () => {
  it("cites the key's line past multi-line strings and arrays that look like tables and keys", () => {
    const p = root({
      "pyproject.toml": [
        "[project]",
        'name = "x"',
        'description = """',
        "[tool.poetry]",
        'requires-python = "==2.7"',
        '"""',
        "classifiers = [",
        '  ["not", "a table"],',
        '  "x",',
        "]",
        'requires-python = ">=3.11"',
        "",
      ].join("\n"),
    });
    expect(pinOf(p, "python")).toMatchObject({ version: ">=3.11", file: "pyproject.toml", line: 11 });
    expect(pinOf(p, "poetry")).toBeUndefined();
  });

  it("reads quoted and dotted keys and cites them", () => {
    const p = root({ "mise.toml": '[tools]\n"node" = "22"\npython.version = "3.12"\n' });
    expect(pinOf(p, "node")).toMatchObject({ version: "22", file: "mise.toml", line: 2 });
  });

  it("reports TOML errors with line and column", () => {
    const e = errorOf({ "Cargo.toml": '[package]\nname = "x"\nrust-version = 1.80.0.1\n' });
    expect(e.message).toMatch(/^Cargo\.toml:3:\d+: not valid TOML: /);
    expect(e.details).toMatchObject({ file: "Cargo.toml", line: 3 });
  });

  it("refuses what TOML forbids, which the old reader let through (a key defined twice)", () => {
    const e = errorOf({ "pyproject.toml": '[project]\nrequires-python = ">=3.11"\nrequires-python = ">=3.12"\n' });
    expect(e.message).toMatch(/^pyproject\.toml:3:\d+: not valid TOML/);
  });
});

describe("JSONC (jsonc-parser)", () => {
  it("keeps `,]` and `,}` inside strings (the old trailing-comma regex rewrote them)", () => {
    const p = root({ "deno.jsonc": '{\n  // Deno\n  "tasks": { "x": "echo a,] b,}", },\n  "lint": [ "a", ],\n}\n' });
    expect(pinOf(p, "deno")).toBeDefined();
    const dotnet = pinOf(
      root({ "global.json": '{\n  // pinned\n  "sdk": { "version": "8.0.100", "rollForward": "x,]y,}", },\n}\n' }),
      "dotnet",
    );
    expect(dotnet).toMatchObject({ version: "8.0.100", file: "global.json", line: 3 });
    expect(dotnet!.reason).toContain("(rollForward: x,]y,})");
  });

  it("reports JSONC errors with line and column", () => {
    const e = errorOf({ "deno.jsonc": '{\n  "tasks": {}\n  "lint": {}\n}\n' });
    expect(e.message).toBe("deno.jsonc:3:3: not valid JSON (comma expected)");
  });
});

describe("pom.xml (fast-xml-parser)", () => {
  const pom = (body: string) => `<?xml version="1.0"?>\n<project>\n${body}\n</project>\n`;

  it("takes the project's property, not a comment's or a profile's, and cites its line", () => {
    const p = root({
      "pom.xml": pom(
        [
          "  <!-- <properties><maven.compiler.release>8</maven.compiler.release></properties> -->",
          "  <profiles><profile><properties><maven.compiler.release>11</maven.compiler.release></properties></profile></profiles>",
          "  <properties>",
          "    <maven.compiler.release>21</maven.compiler.release>",
          "  </properties>",
        ].join("\n"),
      ),
      mvnw: "",
    });
    expect(pinOf(p, "java")).toMatchObject({ version: "21", file: "pom.xml", line: 6 });
    expect(pinOf(p, "java")!.reason).toBe("maven.compiler.release in pom.xml is 21");
  });

  it("falls back to the compiler plugin's <release> and reads <modules>", () => {
    const d = scan({
      "pom.xml": pom(
        [
          "  <properties><java.version>${jdk}</java.version></properties>",
          "  <modules>",
          "    <module>api</module>",
          "    <module> web </module>",
          "  </modules>",
          "  <build><plugins><plugin>",
          "    <artifactId>maven-compiler-plugin</artifactId>",
          "    <configuration><release>17</release></configuration>",
          "  </plugin></plugins></build>",
        ].join("\n"),
      ),
      "api/pom.xml": pom("  <properties><java.version>17</java.version></properties>"),
      "web/pom.xml": pom("  <properties><java.version>17</java.version></properties>"),
    });
    const top = d.projects.find((p) => p.dir === "")!;
    expect(pinOf(top, "java")).toMatchObject({ version: "17", line: 10 });
    expect(top.workspaceMembers).toEqual(["api", "web"]);
  });

  it("reports XML errors with line and column", () => {
    const e = errorOf({ "pom.xml": "<project>\n  <properties>\n</project>\n" });
    expect(e.message).toMatch(/^pom\.xml:3:\d+: not valid XML \(/);
  });
});

describe("workspace member globs (picomatch)", () => {
  it("understands braces, classes and `!` exclusions", () => {
    const pkg = json({ name: "x" });
    const d = scan({
      "package.json": json({ workspaces: ["packages/{a,b}", "apps/[a-m]*", "libs/*", "!libs/old*"] }),
      "packages/a/package.json": pkg,
      "packages/b/package.json": pkg,
      "packages/c/package.json": pkg,
      "apps/admin/package.json": pkg,
      "apps/web/package.json": pkg,
      "libs/core/package.json": pkg,
      "libs/old-ui/package.json": pkg,
    });
    const top = d.projects.find((p) => p.dir === "")!;
    expect(top.workspaceMembers).toEqual(["apps/admin", "libs/core", "packages/a", "packages/b"]);
  });
});
