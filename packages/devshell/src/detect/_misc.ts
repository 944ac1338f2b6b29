/** Ruby, PHP, .NET and Terraform/OpenTofu. */
import type { DirContext } from "./_dir.ts";
import { asString, firstValue, isRecord, lineOf, parseJson, parseJsonc } from "./_read.ts";

export const MISC_MARKERS = [
  ".ruby-version",
  "Gemfile",
  "composer.json",
  "global.json",
  ".terraform-version",
  ".opentofu-version",
];
/** Extensions that mark a directory too (checked by suffix). */
export const MARKER_SUFFIXES = [".tf", ".csproj", ".fsproj", ".sln"];

export function detectRuby(ctx: DirContext): void {
  if (ctx.has(".ruby-version")) {
    const value = firstValue(ctx.read(".ruby-version"));
    if (value)
      ctx.pin(
        "ruby",
        value.value.replace(/^ruby-/, ""),
        ".ruby-version",
        "exact",
        `.ruby-version asks for Ruby ${value.value}`,
        value.line,
      );
  }
  if (ctx.has("Gemfile")) {
    const text = ctx.read("Gemfile");
    // `ruby '>= 3.2.0', '< 3.5.0'`: every quoted requirement counts (Bundler ANDs them). `~>` stays Ruby's
    // pessimistic operator (~> 3.2 allows 3.4), which the range reader knows; npm's `~` would mean 3.2.x only.
    const m = /^\s*ruby\s*\(?\s*((?:["'][^"']+["']\s*,?\s*)+)/m.exec(text);
    const reqs = m ? [...m[1]!.matchAll(/["']([^"']+)["']/g)].map((r) => r[1]!.trim()) : [];
    if (reqs.length > 0)
      ctx.pin(
        "ruby",
        reqs.join(", "),
        "Gemfile",
        "manifest",
        `ruby ${reqs.map((r) => `"${r}"`).join(", ")} in Gemfile`,
        lineOf(text, /^\s*ruby[\s(]/m),
      );
    else if (!ctx.pins.some((p) => p.toolchain === "ruby"))
      ctx.pin("ruby", "", "Gemfile", "presence", "Gemfile: the project needs Ruby (no ruby line)");
    ctx.pin("bundler", "", "Gemfile", "presence", "Gemfile: Bundler installs the gems");
  }
}

export function detectPhp(ctx: DirContext): void {
  if (!ctx.has("composer.json")) return;
  const text = ctx.read("composer.json");
  const json = parseJson(text, ctx.rel("composer.json"));
  const php = isRecord(json) && isRecord(json.require) ? asString(json.require.php) : undefined;
  if (php)
    ctx.pin(
      "php",
      php,
      "composer.json",
      "manifest",
      `require.php in composer.json is ${php}`,
      lineOf(text, /"php"\s*:/),
    );
  else ctx.pin("php", "", "composer.json", "presence", "composer.json: the project needs PHP (no require.php)");
  ctx.pin("composer", "", "composer.json", "presence", "composer.json: Composer installs the packages");
}

export function detectDotnet(ctx: DirContext): void {
  if (ctx.has("global.json")) {
    const text = ctx.read("global.json");
    // The .NET host reads global.json with comments allowed, so teams do write `//` notes in it.
    const json = parseJsonc(text, ctx.rel("global.json"));
    const sdk = isRecord(json) && isRecord(json.sdk) ? json.sdk : undefined;
    const version = sdk ? asString(sdk.version) : undefined;
    const roll = sdk ? asString(sdk.rollForward) : undefined;
    if (version) {
      ctx.pin(
        "dotnet",
        version,
        "global.json",
        "exact",
        `sdk.version in global.json is ${version}${roll ? ` (rollForward: ${roll})` : ""}`,
        lineOf(text, '"version"'),
      );
    }
  }
  for (const name of [...ctx.files].filter((f) => f.endsWith(".csproj") || f.endsWith(".fsproj")).sort()) {
    const text = ctx.read(name);
    const tf = /<TargetFrameworks?>\s*net(\d+)\.\d/.exec(text);
    if (tf)
      ctx.pin(
        "dotnet",
        tf[1]!,
        name,
        "manifest",
        `TargetFramework net${tf[1]}.0 in ${name}`,
        lineOf(text, "<TargetFramework"),
      );
    else ctx.pin("dotnet", "", name, "presence", `${name}: the project needs the .NET SDK`);
  }
}

export function detectTerraform(ctx: DirContext): void {
  if (ctx.has(".terraform-version")) {
    const value = firstValue(ctx.read(".terraform-version"));
    // tfenv's keywords: min-required / latest-allowed defer to required_version; latest[:regex] names no line.
    const v = value?.value ?? "";
    if (value && /^(min-required|latest-allowed)$/.test(v))
      ctx.note(`${ctx.rel(".terraform-version")}:${value.line}: "${v}" defers to required_version in the .tf files.`);
    else if (value && /^latest(:|$)/.test(v))
      ctx.pin(
        "terraform",
        "",
        ".terraform-version",
        "exact",
        `.terraform-version asks for the newest Terraform${v.includes(":") ? ` matching ${v.slice(7)}` : ""}`,
        value.line,
      );
    else if (value)
      ctx.pin(
        "terraform",
        v.replace(/^v/, ""),
        ".terraform-version",
        "exact",
        `.terraform-version asks for Terraform ${v}`,
        value.line,
      );
  }
  if (ctx.has(".opentofu-version")) {
    const value = firstValue(ctx.read(".opentofu-version"));
    if (value)
      ctx.pin(
        "opentofu",
        value.value.replace(/^v/, ""),
        ".opentofu-version",
        "exact",
        `.opentofu-version asks for OpenTofu ${value.value}`,
        value.line,
      );
  }
  const tfFiles = [...ctx.files].filter((f) => f.endsWith(".tf")).sort();
  let sawRequired = false;
  for (const name of tfFiles) {
    const text = ctx.read(name);
    const m = /^\s*required_version\s*=\s*"([^"]+)"/m.exec(text);
    if (m && !sawRequired) {
      sawRequired = true;
      const tool = ctx.pins.some((p) => p.toolchain === "opentofu") ? "opentofu" : "terraform";
      ctx.pin(
        tool,
        m[1]!,
        name,
        "manifest",
        `required_version in ${name} is ${m[1]}`,
        lineOf(text, /^\s*required_version/m),
      );
    }
  }
  if (tfFiles.length > 0 && !ctx.pins.some((p) => p.toolchain === "terraform" || p.toolchain === "opentofu")) {
    ctx.pin(
      "terraform",
      "",
      tfFiles[0]!,
      "presence",
      `${tfFiles[0]}: the directory holds Terraform code (no required_version)`,
    );
  }
}
