/** Java and Kotlin: .java-version, Maven (pom.xml) and Gradle (build.gradle, build.gradle.kts). */
import { existsSync } from "node:fs";
import type { Toolchain } from "@paved/core";
import type { DirContext } from "./_dir.ts";
import { readPom } from "./_pom.ts";
import { firstValue, lineOf } from "./_read.ts";

export const JVM_MARKERS = [
  ".java-version",
  ".sdkmanrc",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "settings.gradle",
  "settings.gradle.kts",
];

/** SDKMAN! candidates paved maps. */
const SDKMAN: Record<string, Toolchain> = { java: "java", gradle: "gradle", maven: "maven", kotlin: "kotlin" };

/** `.sdkmanrc`: `java=21.0.2-tem`, `gradle=8.5` — what `sdk env` installs on cd. */
function detectSdkman(ctx: DirContext): void {
  if (!ctx.has(".sdkmanrc")) return;
  ctx
    .read(".sdkmanrc")
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const m = /^\s*([a-z0-9]+)\s*=\s*(\S+)/.exec(raw.replace(/#.*$/, ""));
      if (!m) return;
      const toolchain = SDKMAN[m[1]!];
      if (!toolchain) {
        ctx.note(
          `${ctx.rel(".sdkmanrc")}:${index + 1}: SDKMAN! candidate "${m[1]}" is not a toolchain paved maps; add its nixpkgs package with \`paved shell add\`.`,
        );
        return;
      }
      // The vendor suffix (-tem, -zulu, -graal) picks a distribution; nixpkgs' jdkNN is OpenJDK (Temurin-equivalent).
      const version = toolchain === "java" ? normaliseJavaVersion(m[2]!.replace(/-[A-Za-z][A-Za-z0-9.]*$/, "")) : m[2]!;
      ctx.pin(toolchain, version, ".sdkmanrc", "manager", `.sdkmanrc asks for ${m[1]} ${m[2]}`, index + 1);
    });
}

/**
 * Build wrappers (gradlew, mvnw) download and run exactly the Gradle or Maven their properties name, so the shell
 * adds neither; it says which version the wrapper runs, with the file and line, and what JDK that needs.
 */
function wrapperNote(ctx: DirContext, file: string, tool: "Gradle" | "Maven", pattern: RegExp): void {
  if (!existsSync(ctx.abs(file))) return;
  const text = ctx.read(file);
  const m = pattern.exec(text);
  if (!m) return;
  const line = lineOf(text, /^\s*distributionUrl/m);
  const where = `${ctx.rel(file)}${line === undefined ? "" : `:${line}`}`;
  const jdk =
    tool === "Gradle"
      ? Number(m[1]!.split(".")[0]) >= 9
        ? " Gradle 9 runs on JDK 17 or newer."
        : " Gradle 8 runs on JDK 8 to 24 (newer JDKs need Gradle 8.14+ or 9)."
      : " Maven 3.9 runs on JDK 8 or newer; Maven 4 needs JDK 17.";
  ctx.note(
    `${where}: the ${tool} wrapper pins ${tool} ${m[1]}; ./${tool === "Gradle" ? "gradlew" : "mvnw"} downloads and runs exactly that version, so the shell adds no ${tool.toLowerCase()} of its own and only provides the JDK.${jdk}`,
  );
}

/** "temurin-21.0.1", "openjdk64-17", "1.8" → "21.0.1", "17", "8". */
export function normaliseJavaVersion(raw: string): string {
  const v = raw.trim().replace(/^[A-Za-z]+[A-Za-z0-9]*?-(?=\d)/, "");
  return v.startsWith("1.") ? v.slice(2) : v;
}

/**
 * The project's Java toolchain: `java { toolchain { languageVersion … } }`. A `languageVersion` inside
 * `javaToolchains.launcherFor { … }` or `compilerFor { … }` picks a JDK for one task (a GraalVM native image, a
 * Java 9 module-info), not for the project.
 */
function projectToolchain(text: string): RegExpExecArray | undefined {
  for (const m of text.matchAll(
    /languageVersion(?:\.set\(|\s*=\s*|\s+)\s*JavaLanguageVersion\.of\(\s*["']?(\d+)["']?\s*\)/g,
  )) {
    const before = text.slice(Math.max(0, m.index - 300), m.index);
    if (/(launcherFor|compilerFor|javadocToolFor)\s*\{[^}]*$/.test(before)) continue;
    return m as RegExpExecArray;
  }
  return undefined;
}

export function detectJvm(ctx: DirContext): void {
  detectSdkman(ctx);
  if (
    ctx.has("gradlew") &&
    ["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"].some((f) => ctx.has(f))
  ) {
    wrapperNote(
      ctx,
      "gradle/wrapper/gradle-wrapper.properties",
      "Gradle",
      /gradle-(\d+(?:\.\d+)*(?:-[a-z0-9-]+)?)-(?:bin|all)\.zip/,
    );
  }
  if (ctx.has("mvnw") && ctx.has("pom.xml"))
    wrapperNote(
      ctx,
      ".mvn/wrapper/maven-wrapper.properties",
      "Maven",
      /apache-maven-(\d+(?:\.\d+)*(?:-[a-z0-9-]+)?)-bin\.zip/,
    );
  if (ctx.has(".java-version")) {
    const value = firstValue(ctx.read(".java-version"));
    if (value)
      ctx.pin(
        "java",
        normaliseJavaVersion(value.value),
        ".java-version",
        "exact",
        `.java-version asks for Java ${value.value}`,
        value.line,
      );
  }
  if (ctx.has("pom.xml")) {
    const pom = readPom(ctx.read("pom.xml"), ctx.rel("pom.xml"));
    if (pom.java)
      ctx.pin(
        "java",
        normaliseJavaVersion(pom.java.value),
        "pom.xml",
        "manifest",
        `${pom.java.key} in pom.xml is ${pom.java.value}`,
        pom.java.line,
      );
    else ctx.pin("java", "", "pom.xml", "presence", "pom.xml: the project needs a JDK (no compiler release set)");
    if (!ctx.hasHereOrAbove("mvnw"))
      ctx.pin("maven", "", "pom.xml", "presence", "pom.xml and no mvnw wrapper: Maven comes from the shell");
    ctx.memberPatterns.push(...pom.modules);
  }
  for (const file of ["build.gradle.kts", "build.gradle"]) {
    if (!ctx.has(file)) continue;
    const text = ctx.read(file);
    const toolchain = projectToolchain(text);
    const compat =
      /(?:sourceCompatibility|targetCompatibility)\s*=\s*(?:JavaVersion\.VERSION_(\d+(?:_\d+)?)|["']?(\d+(?:\.\d+)?)["']?)/.exec(
        text,
      );
    const jvmToolchain = /jvmToolchain\(\s*(\d+)\s*\)/.exec(text);
    if (toolchain)
      ctx.pin(
        "java",
        toolchain[1]!,
        file,
        "manifest",
        `the Gradle Java toolchain in ${file} is ${toolchain[1]}`,
        text.slice(0, toolchain.index).split("\n").length,
      );
    else if (jvmToolchain)
      ctx.pin(
        "java",
        jvmToolchain[1]!,
        file,
        "manifest",
        `kotlin.jvmToolchain(${jvmToolchain[1]}) in ${file}`,
        lineOf(text, "jvmToolchain"),
      );
    else if (compat) {
      const v = normaliseJavaVersion((compat[1] ?? compat[2]!).replace("_", "."));
      ctx.pin(
        "java",
        v,
        file,
        "manifest",
        `sourceCompatibility in ${file} is ${v}`,
        lineOf(text, /(source|target)Compatibility/),
      );
    } else ctx.pin("java", "", file, "presence", `${file}: the project needs a JDK (no toolchain set)`);
    const kotlin =
      /kotlin\(\s*"(?:jvm|multiplatform|android)"\s*\)\s*version\s*"([^"]+)"|id\s*\(?\s*["']org\.jetbrains\.kotlin\.[a-z]+["']\s*\)?\s*version\s*["']([^"']+)["']/.exec(
        text,
      );
    if (kotlin)
      ctx.pin(
        "kotlin",
        kotlin[1] ?? kotlin[2]!,
        file,
        "manifest",
        `the Kotlin Gradle plugin in ${file} is ${kotlin[1] ?? kotlin[2]}`,
        lineOf(text, /kotlin/),
      );
    if (!ctx.hasHereOrAbove("gradlew"))
      ctx.pin("gradle", "", file, "presence", `${file} and no gradlew wrapper: Gradle comes from the shell`);
    break;
  }
  for (const file of ["settings.gradle.kts", "settings.gradle"]) {
    if (!ctx.has(file)) continue;
    for (const m of ctx.read(file).matchAll(/include\s*\(?\s*((?:["'][^"']+["']\s*,?\s*)+)\)?/g)) {
      for (const p of m[1]!.matchAll(/["']:?([^"']+)["']/g)) ctx.memberPatterns.push(p[1]!.replace(/:/g, "/"));
    }
  }
}
