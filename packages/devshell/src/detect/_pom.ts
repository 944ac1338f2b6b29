/**
 * pom.xml, read by fast-xml-parser: the Java release the build compiles for and the reactor's modules. Only the
 * project's own settings count (its <properties> and the maven-compiler-plugin of <build>), not a <profile>'s or
 * a comment's. Offsets of elements come from the parser's metadata, so explanations keep "pom.xml:12".
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isRecord, markerError, positionOf } from "./_read.ts";

interface PomJava {
  value: string;
  /** The property or setting it came from, e.g. "maven.compiler.release". */
  key: string;
  line?: number;
}

export interface Pom {
  java?: PomJava;
  modules: string[];
}

const ARRAYS = new Set(["module", "plugin"]);
const META = XMLParser.getMetaDataSymbol() as unknown as string;

export function readPom(text: string, file: string): Pom {
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw markerError(file, valid.err.line, valid.err.col, `not valid XML (${valid.err.msg})`, "Fix the XML there.");
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    captureMetaData: true,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(text) as Record<string, unknown>;
  const project = isRecord(doc.project) ? doc.project : {};
  const properties = isRecord(project.properties) ? project.properties : {};
  const build = isRecord(project.build) ? project.build : {};
  const plugins = [build.plugins, isRecord(build.pluginManagement) ? build.pluginManagement.plugins : undefined]
    .flatMap((p) => (isRecord(p) && Array.isArray(p.plugin) ? p.plugin : []))
    .filter((p): p is Record<string, unknown> => isRecord(p) && p.artifactId === "maven-compiler-plugin");
  const compiler = plugins.map((p) => p.configuration).find(isRecord) ?? {};

  // In the order Maven lets one override the other: release beats source; the plugin's own setting last.
  const candidates: [Record<string, unknown>, string, string][] = [
    [properties, "maven.compiler.release", "maven.compiler.release"],
    [properties, "maven.compiler.source", "maven.compiler.source"],
    [properties, "java.version", "java.version"],
    [compiler, "release", "release"],
    [compiler, "source", "source"],
  ];
  let java: PomJava | undefined;
  for (const [element, name, key] of candidates) {
    const value = element[name];
    if (typeof value !== "string" || value.trim() === "" || value.includes("${")) continue;
    java = { value: value.trim(), key, line: lineIn(text, element, name) };
    break;
  }
  const modules =
    isRecord(project.modules) && Array.isArray(project.modules.module)
      ? project.modules.module.filter((m): m is string => typeof m === "string" && m.trim() !== "").map((m) => m.trim())
      : [];
  return { ...(java ? { java } : {}), modules };
}

/** The line of `<name>` inside the element (found from the element's start, so an earlier comment is not taken). */
function lineIn(text: string, element: Record<string, unknown>, name: string): number | undefined {
  const start = (element[META] as { startIndex?: number } | undefined)?.startIndex ?? 0;
  let index = text.indexOf(`<${name}>`, start);
  // A commented-out copy after the element's start: skip any occurrence inside <!-- … -->.
  while (index >= 0 && insideComment(text, index)) index = text.indexOf(`<${name}>`, index + 1);
  return index < 0 ? undefined : positionOf(text, index).line;
}

function insideComment(text: string, index: number): boolean {
  const open = text.lastIndexOf("<!--", index);
  return open >= 0 && text.lastIndexOf("-->", index) < open;
}
