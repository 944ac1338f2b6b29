// Which file wins, per ecosystem, in the order its own users expect (docs/step-2-devshells.md, "Pin precedence"),
// and that the file:line paved took each pin from is what it shows.
import { describe, expect, it } from "vitest";
import { detectProject, scanRepository, type Project } from "@paved/devshell";
import { json, makeRepo } from "./_repo.ts";

function root(files: Record<string, string>): Project {
  return scanRepository(makeRepo(files, { git: false })).projects.find((p) => p.dir === "")!;
}
const pin = (p: Project, toolchain: string) => p.pins.find((x) => x.toolchain === toolchain);

describe("Node", () => {
  it("volta.node wins over .nvmrc and engines; volta.pnpm over engines.pnpm; the line is the volta block's", () => {
    const text = JSON.stringify(
      { name: "app", engines: { node: ">=18", pnpm: ">=8" }, volta: { node: "20.18.0", pnpm: "9.15.0" } },
      null,
      2,
    );
    const p = root({ "package.json": `${text}\n`, ".nvmrc": "22\n" });
    expect(pin(p, "node")).toMatchObject({ version: "20.18.0", file: "package.json", line: 8, strength: "exact" });
    expect(pin(p, "node")!.reason).toBe("volta.node in package.json pins 20.18.0");
    expect(pin(p, "pnpm")).toMatchObject({ version: "9.15.0", line: 9 });
    expect(p.conflicts[0]!.message).toContain("package.json comes first in node's precedence");
  });

  it(".nvmrc over packageManager's engines; packageManager over engines for the package manager", () => {
    const p = root({
      "package.json": json({ engines: { node: ">=18", pnpm: "^9" }, packageManager: "pnpm@10.20.0" }),
      ".node-version": "v22.11.0\n",
    });
    expect(pin(p, "node")).toMatchObject({ version: "22.11.0", file: ".node-version" });
    expect(pin(p, "pnpm")).toMatchObject({ version: "10.20.0", strength: "exact" });
  });
});

describe("Python, Go, Rust", () => {
  it(".python-version over requires-python, requires-python over Poetry's python and uv.lock", () => {
    const p = root({
      ".python-version": "3.12\n",
      "pyproject.toml":
        '[project]\nname = "x"\nrequires-python = ">=3.10"\n[tool.poetry.dependencies]\npython = "^3.11"\n',
      "uv.lock": 'requires-python = ">=3.9"\n',
    });
    expect(pin(p, "python")).toMatchObject({ version: "3.12", file: ".python-version", line: 1 });
    const q = root({
      "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.10"\n',
      "uv.lock": 'version = 1\nrequires-python = ">=3.9"\n',
    });
    expect(pin(q, "python")).toMatchObject({ version: ">=3.10", file: "pyproject.toml", line: 3 });
  });

  it("go.mod's toolchain directive over its go line", () => {
    const p = root({ "go.mod": "module x\n\ngo 1.24.0\n\ntoolchain go1.25.4\n" });
    expect(pin(p, "go")).toMatchObject({ version: "1.25.4", line: 5, strength: "exact" });
  });

  it("rust-toolchain.toml over rust-toolchain, and says the other one is ignored", () => {
    const p = root({
      "rust-toolchain.toml": '[toolchain]\nchannel = "1.85.0"\n',
      "rust-toolchain": "1.70.0\n",
      "Cargo.toml": '[package]\nname = "x"\nrust-version = "1.80"\n',
    });
    expect(pin(p, "rust")).toMatchObject({ version: "1.85.0", file: "rust-toolchain.toml", line: 2 });
    expect(p.notes.join("\n")).toContain("rust-toolchain is ignored: rust-toolchain.toml is read instead");
  });
});

describe("Java, Gradle and Maven wrappers, SDKMAN!", () => {
  it("the Gradle wrapper's version is named with its file:line; the shell adds no gradle", () => {
    const result = detectProject(
      makeRepo(
        {
          "settings.gradle.kts": 'rootProject.name = "x"\n',
          "build.gradle.kts": "java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }\n",
          gradlew: "#!/bin/sh\n",
          "gradle/wrapper/gradle-wrapper.properties":
            "distributionBase=GRADLE_USER_HOME\ndistributionPath=wrapper/dists\ndistributionUrl=https\\://services.gradle.org/distributions/gradle-9.6.1-bin.zip\n",
        },
        { git: false },
      ),
    );
    expect(result.notes.join("\n")).toContain(
      "gradle/wrapper/gradle-wrapper.properties:3: the Gradle wrapper pins Gradle 9.6.1",
    );
    expect(result.notes.join("\n")).toContain("Gradle 9 runs on JDK 17 or newer");
    expect(result.shells[0]!.choices.map((c) => c.toolchain)).toEqual(["java"]);
  });

  it("corpus (square/okhttp): a JDK picked for one task (launcherFor, compilerFor) is not the project's toolchain", () => {
    const gradle = [
      "kotlin {",
      "  jvmToolchain(21)",
      "}",
      "tasks.compileJava9 {",
      "  javaCompiler.set(project.javaToolchains.compilerFor { languageVersion.set(JavaLanguageVersion.of(11)) })",
      "}",
      "graalvmNative { binaries.all { javaLauncher.set(",
      "  javaToolchains.launcherFor {",
      "    languageVersion.set(JavaLanguageVersion.of(25))",
      "  }) } }",
    ].join("\n");
    expect(pin(root({ "build.gradle.kts": gradle }), "java")).toMatchObject({ version: "21", line: 2 });
    const javaBlock = `java {\n  toolchain {\n    languageVersion = JavaLanguageVersion.of(17)\n  }\n}\n${gradle.split("\n").slice(3).join("\n")}`;
    expect(pin(root({ "build.gradle.kts": javaBlock }), "java")).toMatchObject({ version: "17", line: 3 });
  });

  it("the Maven wrapper's version is named too", () => {
    const result = detectProject(
      makeRepo(
        {
          "pom.xml":
            "<project><properties><maven.compiler.release>17</maven.compiler.release></properties></project>\n",
          mvnw: "#!/bin/sh\n",
          ".mvn/wrapper/maven-wrapper.properties":
            "wrapperVersion=3.3.2\ndistributionUrl=https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.9/apache-maven-3.9.9-bin.zip\n",
        },
        { git: false },
      ),
    );
    expect(result.notes.join("\n")).toContain(
      ".mvn/wrapper/maven-wrapper.properties:2: the Maven wrapper pins Maven 3.9.9",
    );
    expect(result.shells[0]!.choices.map((c) => c.toolchain)).toEqual(["java"]);
  });

  it(".sdkmanrc pins java (vendor suffix dropped), gradle and maven; .java-version still wins for java", () => {
    const p = root({
      ".sdkmanrc": "# sdk env\njava=21.0.2-tem\ngradle=8.14\n",
      "build.gradle": "plugins { id 'java' }\n",
    });
    expect(pin(p, "java")).toMatchObject({ version: "21.0.2", file: ".sdkmanrc", line: 2, strength: "manager" });
    expect(pin(p, "gradle")).toMatchObject({ version: "8.14", line: 3 });
    expect(
      pin(root({ ".sdkmanrc": "java=21.0.2-tem\n", ".java-version": "17\n", "pom.xml": "<project/>\n" }), "java"),
    ).toMatchObject({ version: "17", file: ".java-version" });
  });
});

describe("Terraform, asdf and mise", () => {
  it(".terraform-version over required_version; tfenv keywords are understood", () => {
    const tf = 'terraform {\n  required_version = ">= 1.5"\n}\n';
    expect(pin(root({ ".terraform-version": "1.9.8\n", "main.tf": tf }), "terraform")).toMatchObject({
      version: "1.9.8",
      file: ".terraform-version",
    });
    expect(pin(root({ ".terraform-version": "min-required\n", "main.tf": tf }), "terraform")).toMatchObject({
      version: ">= 1.5",
      file: "main.tf",
      line: 2,
    });
    expect(pin(root({ ".terraform-version": "latest:^1.5\n", "main.tf": tf }), "terraform")!.version).not.toContain(
      "latest",
    );
  });

  it("exact files win over .tool-versions, which wins over manifests", () => {
    const p = root({
      ".tool-versions": "nodejs 20.11.0\npython 3.11.9\n",
      ".nvmrc": "22\n",
      "package.json": json({ engines: { node: ">=18" } }),
      "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.10"\n',
    });
    expect(pin(p, "node")).toMatchObject({ version: "22", file: ".nvmrc" });
    expect(pin(p, "python")).toMatchObject({ version: "3.11.9", file: ".tool-versions", line: 2 });
  });
});
