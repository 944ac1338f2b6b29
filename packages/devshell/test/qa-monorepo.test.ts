/**
 * Shell planning regressions found on recreated layouts of real monorepos: a Go repository with an npm
 * workspace under web/ui (Prometheus), a Kotlin Gradle multi-project build whose modules pin a JVM toolchain
 * and whose root does not (Exposed), and a Rust workspace with one crate on a nightly channel (uv).
 */
import { describe, expect, it } from "vitest";
import { detectProject } from "@paved/devshell";
import { json, makeRepo } from "./_repo.ts";

const names = (dir: string) => detectProject(dir).shells.map((s) => s.name);

describe("QA: monorepo shells", () => {
  it("an npm workspace inside a Go repository gets one shell that serves all of its members", () => {
    const dir = makeRepo(
      {
        "go.mod": "module example.com/prom\n\ngo 1.24.0\n\ntoolchain go1.25.3\n",
        "web/ui/package.json": json({ private: true, workspaces: ["app", "module/*"], engines: { node: ">=20" } }),
        "web/ui/package-lock.json": "{}",
        "web/ui/app/package.json": json({ name: "app" }),
        "web/ui/module/lezer/package.json": json({ name: "lezer" }),
        "internal/tools/go.mod": "module example.com/prom/internal/tools\n\ngo 1.24.0\n",
        "documentation/examples/remote/go.mod": "module example.com/prom/remote\n\ngo 1.23.0\n",
        "cmd/promtool/go.mod": "module example.com/prom/promtool\n\ngo 1.24.0\n",
      },
      { git: false },
    );
    const result = detectProject(dir);
    expect(result.shells.map((s) => s.name)).toEqual(["default", "ui"]);
    const ui = result.shells[1]!;
    expect(ui.serves).toEqual(["web/ui", "web/ui/app", "web/ui/module/lezer"]);
    expect(ui.choices.map((c) => c.toolchain)).toEqual(["go", "node"]);
  });

  it("a project is compared with the shell that will serve it (the nearest one above), not with default", () => {
    // legacy/ pins Node 22; legacy/tools needs >=24, which default has but legacy's shell does not.
    const dir = makeRepo(
      {
        ".nvmrc": "24\n",
        "package.json": json({ name: "root" }),
        "legacy/.nvmrc": "22\n",
        "legacy/package.json": json({ name: "legacy" }),
        "legacy/tools/package.json": json({ name: "tools", engines: { node: ">=24" } }),
        "legacy/site/package.json": json({ name: "site" }),
      },
      { git: false },
    );
    const result = detectProject(dir);
    const byName = Object.fromEntries(result.shells.map((s) => [s.name, s]));
    expect(Object.keys(byName)).toEqual(["default", "legacy", "tools"]);
    expect(byName.legacy!.serves).toEqual(["legacy", "legacy/site"]);
    expect(byName.tools!.choices.find((c) => c.toolchain === "node")?.attr).toBe("nodejs_24");
    expect(byName.tools!.why).toContain("differs from shell legacy's node 22");
  });

  it("Gradle modules that pin a JVM toolchain fill the root's unpinned JDK instead of getting a shell each", () => {
    const dir = makeRepo(
      {
        "settings.gradle.kts": 'rootProject.name = "exposed"\ninclude("core", "dao", "jdbc", "tests")\n',
        "build.gradle.kts": 'plugins {\n    kotlin("jvm") version "2.1.0" apply false\n}\n',
        gradlew: "#!/bin/sh\n",
        "core/build.gradle.kts": "kotlin { jvmToolchain(8) }\n",
        "dao/build.gradle.kts": "kotlin { jvmToolchain(8) }\n",
        "jdbc/build.gradle.kts": "kotlin { jvmToolchain(8) }\n",
        "tests/build.gradle.kts": "kotlin { jvmToolchain(17) }\n",
      },
      { git: false },
    );
    const result = detectProject(dir);
    expect(result.shells.map((s) => s.name)).toEqual(["default"]);
    const java = result.shells[0]!.choices.find((c) => c.toolchain === "java")!;
    expect(java).toMatchObject({ asked: "8", attr: "jdk17", status: "unavailable" });
    expect(java.mapping).toContain("has no JDK 8");
    expect(result.shells[0]!.choices.map((c) => c.toolchain)).not.toContain("gradle");
  });

  it("a crate on a nightly channel inside a stable workspace is named in the notes, not dropped silently", () => {
    const dir = makeRepo(
      {
        "rust-toolchain.toml": '[toolchain]\nchannel = "1.91"\n',
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/app/Cargo.toml": '[package]\nname = "app"\n',
        "crates/trampoline/Cargo.toml": '[package]\nname = "trampoline"\n',
        "crates/trampoline/rust-toolchain.toml": '[toolchain]\nchannel = "nightly-2025-06-23"\n',
      },
      { git: false },
    );
    const result = detectProject(dir);
    expect(result.shells.map((s) => s.name)).toEqual(["default"]);
    const note = result.notes.find((n) =>
      n.startsWith("crates/trampoline/rust-toolchain.toml:2 asks for rust nightly-2025-06-23"),
    );
    expect(note).toBeDefined();
    expect(note).toContain("overlay");
  });

  it("a workspace listing its own root as a member gets no note about it", () => {
    const dir = makeRepo(
      {
        "package.json": json({ workspaces: [".", "streaming"], engines: { node: ">=20" } }),
        "streaming/package.json": "{}",
      },
      { git: false },
    );
    expect(names(dir)).toEqual(["default"]);
    expect(detectProject(dir).notes).toEqual([]);
  });
});
