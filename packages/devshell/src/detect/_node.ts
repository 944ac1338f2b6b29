/** Node.js and its package managers, Bun and Deno. */
import { parse as parseYamlText } from "yaml";
import type { Toolchain } from "@paved/core";
import type { DirContext } from "./_dir.ts";
import { lowestVersion, parseRange } from "../nixpkgs/_range.ts";
import { asString, firstValue, isRecord, lineOf, markerError, parseJson, parseJsonc } from "./_read.ts";

export const NODE_MARKERS = [
  "package.json",
  ".nvmrc",
  ".node-version",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "yarn.lock",
  "package-lock.json",
  "bun.lockb",
  "bun.lock",
  "bunfig.toml",
  "deno.json",
  "deno.jsonc",
  "deno.lock",
];

/** nvm's lts/<codename> aliases, by Node major. */
const LTS_CODENAMES: Record<string, string> = {
  argon: "4",
  boron: "6",
  carbon: "8",
  dubnium: "10",
  erbium: "12",
  fermium: "14",
  gallium: "16",
  hydrogen: "18",
  iron: "20",
  jod: "22",
  krypton: "24",
};

/** ".nvmrc" spellings → a version paved can map: v22.1.0 → 22.1.0, lts/iron → 20, lts/* → lts, node → latest. */
export function normaliseNodeVersion(raw: string): string {
  const v = raw.trim().toLowerCase();
  if (v === "lts/*" || v === "lts") return "lts";
  if (v === "node" || v === "stable" || v === "latest" || v === "current") return "latest";
  const lts = /^lts\/(\w+)$/.exec(v);
  if (lts) return LTS_CODENAMES[lts[1]!] ?? v;
  return v.replace(/^v(?=\d)/, "");
}

const MANAGERS: Record<string, Toolchain> = { pnpm: "pnpm", yarn: "yarn", npm: "npm", bun: "bun" };

/**
 * A package that is published (not private, and shipped as a CLI or library) states in `engines` the oldest
 * versions its users may run. That is a floor, not the version its developers want.
 */
function isPublished(pkg: Record<string, unknown>): boolean {
  if (pkg.private === true) return false;
  return ["bin", "publishConfig", "files", "main", "exports", "module"].some((key) => pkg[key] !== undefined);
}

/** "^18 || ^20" → ">=18": the lowest version a range lets in. */
function floorOf(range: string): string {
  const parsed = parseRange(range);
  const lowest = parsed ? lowestVersion(parsed) : undefined;
  if (!lowest || lowest.every((n) => n === 0)) return range;
  return `>=${lowest.join(".").replace(/(\.0)+$/, "")}`;
}

/** Line of `"key":` after `anchor` (the volta block's "node", not engines' "node"). */
function keyLineAfter(text: string, anchor: string, key: string): number | undefined {
  const at = text.indexOf(anchor);
  if (at < 0) return undefined;
  const offset = text.slice(at).search(new RegExp(`"${key}"\\s*:`));
  return offset < 0 ? undefined : text.slice(0, at + offset).split("\n").length;
}

function readPackageJson(ctx: DirContext): { text: string; pkg: Record<string, unknown> } | undefined {
  if (!ctx.has("package.json")) return undefined;
  const text = ctx.read("package.json");
  const pkg = parseJson(text, ctx.rel("package.json"));
  if (!isRecord(pkg))
    throw markerError(ctx.rel("package.json"), 1, 1, "expected a JSON object", "package.json must be an object.");
  return { text, pkg };
}

export function detectNode(ctx: DirContext): void {
  let sawNodePin = false;
  const manifest = readPackageJson(ctx);
  // Volta pins win over .nvmrc: a team that uses Volta gets exactly that version from the shim on every `node`.
  if (manifest && isRecord(manifest.pkg.volta)) {
    const volta = manifest.pkg.volta;
    for (const tool of ["node", "pnpm", "yarn", "npm"] as const) {
      const version = asString(volta[tool]);
      if (!version) continue;
      ctx.pin(
        tool === "node" ? "node" : MANAGERS[tool]!,
        tool === "node" ? normaliseNodeVersion(version) : version,
        "package.json",
        "exact",
        `volta.${tool} in package.json pins ${version}`,
        keyLineAfter(manifest.text, '"volta"', tool),
      );
      if (tool === "node") sawNodePin = true;
    }
    if (asString(volta.extends))
      ctx.note(
        `${ctx.rel("package.json")}: volta.extends (${asString(volta.extends)}) is not followed; its pins are read where that package.json is.`,
      );
  }
  for (const file of [".nvmrc", ".node-version"]) {
    if (!ctx.has(file)) continue;
    const value = firstValue(ctx.read(file));
    if (!value) {
      ctx.note(`${ctx.rel(file)} is empty; ignored.`);
      continue;
    }
    ctx.pin(
      "node",
      normaliseNodeVersion(value.value),
      file,
      "exact",
      `${file} asks for Node ${value.value}`,
      value.line,
    );
    sawNodePin = true;
  }

  if (manifest) {
    const { text, pkg } = manifest;
    const engines = isRecord(pkg.engines) ? pkg.engines : {};
    const published = isPublished(pkg);
    for (const [engine, toolchain] of [
      ["node", "node"],
      ["pnpm", "pnpm"],
      ["yarn", "yarn"],
      ["npm", "npm"],
      ["bun", "bun"],
    ] as const) {
      const range = asString(engines[engine]);
      if (!range) continue;
      const line = lineOf(text, new RegExp(`"${engine}"\\s*:`, "m"));
      if (published) {
        const floor = floorOf(range);
        ctx.pins.push({
          toolchain,
          version: floor,
          file: ctx.rel("package.json"),
          strength: "manifest",
          floor: true,
          reason: `engines.${engine} in package.json is ${range}: the oldest ${engine} users of this published package may run (a floor, taken as ${floor}), not a pin`,
          ...(line === undefined ? {} : { line }),
        });
      } else
        ctx.pin(
          toolchain,
          range,
          "package.json",
          "manifest",
          `engines.${engine} in package.json asks for ${range}`,
          line,
        );
      if (toolchain === "node") sawNodePin = true;
    }
    const pm = asString(pkg.packageManager);
    if (pm) {
      const m = /^(pnpm|yarn|npm|bun)@([^+\s]+)/.exec(pm);
      if (m)
        ctx.pin(
          MANAGERS[m[1]!]!,
          m[2]!,
          "package.json",
          "exact",
          `packageManager in package.json is ${m[1]}@${m[2]}`,
          lineOf(text, '"packageManager"'),
        );
      else ctx.note(`packageManager "${pm}" in ${ctx.rel("package.json")} is not name@version; ignored.`);
    }
    // npm's devEngines (npm 10.9+): { runtime: { name, version }, packageManager: { name, version } }
    if (isRecord(pkg.devEngines)) {
      for (const key of ["runtime", "packageManager"]) {
        const entries = pkg.devEngines[key];
        for (const entry of Array.isArray(entries) ? entries : [entries]) {
          if (!isRecord(entry)) continue;
          const name = asString(entry.name);
          const version = asString(entry.version);
          const toolchain: Toolchain | undefined =
            name === "node" ? "node" : name === "deno" ? "deno" : name ? MANAGERS[name] : undefined;
          if (!toolchain || !version) continue;
          ctx.pin(
            toolchain,
            version,
            "package.json",
            "manifest",
            `devEngines.${key} in package.json asks for ${name} ${version}`,
            lineOf(text, '"devEngines"'),
          );
          if (toolchain === "node") sawNodePin = true;
        }
      }
    }
    const ws = Array.isArray(pkg.workspaces)
      ? pkg.workspaces
      : isRecord(pkg.workspaces) && Array.isArray(pkg.workspaces.packages)
        ? pkg.workspaces.packages
        : [];
    for (const pattern of ws) if (typeof pattern === "string") ctx.memberPatterns.push(pattern);
  }

  if (ctx.has("pnpm-workspace.yaml")) {
    let doc: unknown;
    try {
      doc = parseYamlText(ctx.read("pnpm-workspace.yaml"));
    } catch (error) {
      const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
      throw markerError(
        ctx.rel("pnpm-workspace.yaml"),
        pos?.line,
        pos?.col,
        `not valid YAML (${(error as Error).message.split("\n")[0]})`,
        "Fix the YAML syntax there.",
      );
    }
    if (isRecord(doc) && Array.isArray(doc.packages)) {
      for (const pattern of doc.packages) if (typeof pattern === "string") ctx.memberPatterns.push(pattern);
    }
    ctx.pin("pnpm", "", "pnpm-workspace.yaml", "presence", "pnpm-workspace.yaml: the repository is a pnpm workspace");
  }
  if (ctx.has("pnpm-lock.yaml")) {
    const text = ctx.read("pnpm-lock.yaml");
    const lock = /^lockfileVersion:\s*['"]?(\d+)(?:\.\d+)?/m.exec(text)?.[1];
    // Lockfile format 9 is written by pnpm 9 and 10, format 6 by pnpm 8.
    const range = lock === "9" ? ">=9" : lock === "6" ? "8" : lock === "5" ? "7" : "";
    ctx.pin(
      "pnpm",
      range,
      "pnpm-lock.yaml",
      "presence",
      lock
        ? `pnpm-lock.yaml has lockfileVersion ${lock}${range ? ` (pnpm ${range})` : ""}`
        : "pnpm-lock.yaml: the project uses pnpm",
      lineOf(text, "lockfileVersion"),
    );
  }
  if (ctx.has("yarn.lock")) {
    const text = ctx.read("yarn.lock");
    const classic = text.includes("# yarn lockfile v1");
    ctx.pin(
      "yarn",
      classic ? "1" : ">=2",
      "yarn.lock",
      "presence",
      classic ? "yarn.lock is a Yarn 1 (classic) lockfile" : "yarn.lock is a Yarn Berry (2+) lockfile",
    );
  }
  if (ctx.has("package-lock.json"))
    ctx.note(`${ctx.rel("package-lock.json")}: npm comes with Node, no separate package needed.`);
  for (const file of ["bun.lockb", "bun.lock", "bunfig.toml"]) {
    if (ctx.has(file)) ctx.pin("bun", "", file, "presence", `${file}: the project uses Bun`);
  }
  for (const file of ["deno.json", "deno.jsonc"]) {
    if (!ctx.has(file)) continue;
    const config = parseJsonc(ctx.read(file), ctx.rel(file));
    ctx.pin("deno", "", file, "presence", `${file}: the project uses Deno`);
    if (isRecord(config) && Array.isArray(config.workspace)) {
      for (const m of config.workspace) if (typeof m === "string") ctx.memberPatterns.push(m);
    }
  }
  if (ctx.has("deno.lock") && !ctx.has("deno.json") && !ctx.has("deno.jsonc"))
    ctx.pin("deno", "", "deno.lock", "presence", "deno.lock: the project uses Deno");

  // A package.json means Node, unless the project is plainly a Bun or Deno one and names no Node version.
  const bunOrDeno = ctx.pins.some((p) => p.toolchain === "bun" || p.toolchain === "deno");
  const managers = ctx.pins.some((p) => p.toolchain === "pnpm" || p.toolchain === "yarn" || p.toolchain === "npm");
  if (!sawNodePin && (ctx.has("package.json") || managers) && !(bunOrDeno && !managers)) {
    const file = ctx.has("package.json")
      ? "package.json"
      : ctx.pins
          .find((p) => p.toolchain === "pnpm" || p.toolchain === "yarn")!
          .file.split("/")
          .pop()!;
    ctx.pin("node", "", file, "presence", `${file}: the project needs Node (no version pinned)`);
  }
}
