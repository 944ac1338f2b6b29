/** `.tool-versions` (asdf) and `mise.toml`: the on-ramp for teams coming from asdf or mise. */
import type { Toolchain } from "@paved/core";
import type { DirContext } from "./_dir.ts";
import { normaliseJavaVersion } from "./_jvm.ts";
import { normaliseNodeVersion } from "./_node.ts";
import { parseToml } from "./_toml.ts";

export const ASDF_MARKERS = [".tool-versions", "mise.toml", ".mise.toml"];

/** asdf plugin and mise tool names → paved toolchains. */
const PLUGINS: Record<string, Toolchain> = {
  nodejs: "node",
  node: "node",
  pnpm: "pnpm",
  yarn: "yarn",
  npm: "npm",
  bun: "bun",
  deno: "deno",
  python: "python",
  uv: "uv",
  poetry: "poetry",
  golang: "go",
  go: "go",
  rust: "rust",
  java: "java",
  kotlin: "kotlin",
  maven: "maven",
  gradle: "gradle",
  ruby: "ruby",
  php: "php",
  composer: "composer",
  dotnet: "dotnet",
  "dotnet-core": "dotnet",
  terraform: "terraform",
  opentofu: "opentofu",
};

function normalise(toolchain: Toolchain, version: string): string {
  if (toolchain === "node") return normaliseNodeVersion(version);
  if (toolchain === "java") return normaliseJavaVersion(version);
  if (version === "latest" || version === "system") return "";
  return version;
}

export function detectAsdf(ctx: DirContext): void {
  if (ctx.has(".tool-versions")) {
    const lines = ctx.read(".tool-versions").split(/\r?\n/);
    lines.forEach((raw, index) => {
      const line = raw.replace(/#.*$/, "").trim();
      if (!line) return;
      const [plugin, first] = line.split(/\s+/);
      if (!plugin || !first) return;
      const toolchain = PLUGINS[plugin];
      if (!toolchain) {
        ctx.note(
          `${ctx.rel(".tool-versions")}:${index + 1}: "${plugin}" is not a toolchain paved maps; add its nixpkgs package with \`paved shell add\`.`,
        );
        return;
      }
      // asdf takes the first version listed; the others are fallbacks.
      ctx.pin(
        toolchain,
        normalise(toolchain, first),
        ".tool-versions",
        "manager",
        `.tool-versions asks for ${plugin} ${first}`,
        index + 1,
      );
    });
  }
  for (const file of ["mise.toml", ".mise.toml"]) {
    if (!ctx.has(file)) continue;
    const doc = parseToml(ctx.read(file), ctx.rel(file));
    const tools = doc.data.tools;
    if (typeof tools !== "object" || Array.isArray(tools)) continue;
    for (const [name, value] of Object.entries(tools)) {
      const toolchain = PLUGINS[name];
      const version =
        typeof value === "string"
          ? value
          : Array.isArray(value) && typeof value[0] === "string"
            ? value[0]
            : typeof value === "object" && !Array.isArray(value) && typeof value.version === "string"
              ? value.version
              : undefined;
      if (!toolchain) {
        ctx.note(
          `${ctx.rel(file)}: tool "${name}" is not a toolchain paved maps; add its nixpkgs package with \`paved shell add\`.`,
        );
        continue;
      }
      if (version === undefined) continue;
      ctx.pin(
        toolchain,
        normalise(toolchain, version),
        file,
        "manager",
        `[tools] ${name} = "${version}" in ${file}`,
        doc.lines.get(`tools.${name}`),
      );
    }
  }
}
