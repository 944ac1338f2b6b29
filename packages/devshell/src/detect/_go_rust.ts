/** Go (go.mod, go.work) and Rust (rust-toolchain files, Cargo.toml). */
import type { DirContext } from "./_dir.ts";
import { firstValue, lineOf } from "./_read.ts";
import { parseToml, tomlGet, type TomlValue } from "./_toml.ts";

export const GO_MARKERS = ["go.mod", "go.work"];
export const RUST_MARKERS = ["rust-toolchain.toml", "rust-toolchain", "Cargo.toml"];

function goDirectives(text: string): { go?: string; toolchain?: string; uses: string[] } {
  const go = /^go\s+(\d+(?:\.\d+){0,2}(?:rc\d+)?)\s*$/m.exec(text)?.[1];
  const toolchain = /^toolchain\s+go(\d+(?:\.\d+){0,2})\S*\s*$/m.exec(text)?.[1];
  const uses: string[] = [];
  for (const m of text.matchAll(/^use\s+(?:\(\s*([^)]*)\)|(\S+))/gm)) {
    const block = m[1] ?? m[2] ?? "";
    for (const line of block.split("\n")) {
      const path = line
        .replace(/\/\/.*$/, "")
        .trim()
        .replace(/^"|"$/g, "");
      if (path) uses.push(path);
    }
  }
  return { ...(go ? { go } : {}), ...(toolchain ? { toolchain } : {}), uses };
}

export function detectGo(ctx: DirContext): void {
  for (const file of ["go.work", "go.mod"] as const) {
    if (!ctx.has(file)) continue;
    const text = ctx.read(file);
    const d = goDirectives(text);
    // `toolchain` is the Go release the module wants to be built with; `go` is the minimum language version.
    if (d.toolchain)
      ctx.pin("go", d.toolchain, file, "exact", `toolchain go${d.toolchain} in ${file}`, lineOf(text, /^toolchain\s/m));
    if (d.go)
      ctx.pin(
        "go",
        `>=${d.go}`,
        file,
        "manifest",
        `go ${d.go} in ${file} (the minimum Go version)`,
        lineOf(text, /^go\s/m),
      );
    if (!d.go && !d.toolchain) ctx.pin("go", "", file, "presence", `${file}: the module needs Go (no go line)`);
    if (file === "go.work") ctx.memberPatterns.push(...d.uses);
  }
}

function strings(value: TomlValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function rustToolchainToml(ctx: DirContext, file: string): void {
  const doc = parseToml(ctx.read(file), ctx.rel(file));
  const channel = tomlGet(doc.data, "toolchain", "channel");
  if (typeof channel === "string")
    ctx.pin("rust", channel, file, "exact", `channel in ${file} is ${channel}`, doc.lines.get("toolchain.channel"));
  else ctx.pin("rust", "", file, "presence", `${file} names no channel`);
  ctx.rust = {
    components: strings(tomlGet(doc.data, "toolchain", "components")),
    targets: strings(tomlGet(doc.data, "toolchain", "targets")),
  };
}

export function detectRust(ctx: DirContext): void {
  if (ctx.has("rust-toolchain.toml")) {
    rustToolchainToml(ctx, "rust-toolchain.toml");
    if (ctx.has("rust-toolchain"))
      ctx.note(
        `${ctx.rel("rust-toolchain")} is ignored: ${ctx.rel("rust-toolchain.toml")} is read instead; keep one of them (rustup warns about both).`,
      );
  } else if (ctx.has("rust-toolchain")) {
    // rustup reads the extension-less file as TOML too when it holds a [toolchain] table; otherwise it is one line.
    const text = ctx.read("rust-toolchain");
    if (/^\s*\[toolchain\]/m.test(text)) rustToolchainToml(ctx, "rust-toolchain");
    else {
      const value = firstValue(text);
      if (value)
        ctx.pin("rust", value.value, "rust-toolchain", "exact", `rust-toolchain asks for ${value.value}`, value.line);
    }
  }
  if (ctx.has("Cargo.toml")) {
    const doc = parseToml(ctx.read("Cargo.toml"), ctx.rel("Cargo.toml"));
    const rv =
      tomlGet(doc.data, "package", "rust-version") ?? tomlGet(doc.data, "workspace", "package", "rust-version");
    const key =
      tomlGet(doc.data, "package", "rust-version") !== undefined
        ? "package.rust-version"
        : "workspace.package.rust-version";
    if (typeof rv === "string")
      ctx.pin(
        "rust",
        `>=${rv}`,
        "Cargo.toml",
        "manifest",
        `rust-version ${rv} in Cargo.toml (the minimum Rust)`,
        doc.lines.get(key),
      );
    else ctx.pin("rust", "", "Cargo.toml", "presence", "Cargo.toml: the crate needs Rust (no rust-version)");
    ctx.memberPatterns.push(...strings(tomlGet(doc.data, "workspace", "members")));
  }
}
