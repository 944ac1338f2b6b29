/**
 * `pnpm lint:nix`: Nix code is written through core's renderer (packages/core/src/render) or in `.nix` files,
 * never assembled from template or string literals, where one unescaped name or path is an injection. This
 * finds string and template literals in TypeScript sources that look like Nix code and prints file:line:col
 * for each; it exits 1 when there is any. Templates tagged `nix` or `interp` are the renderer's own (their
 * values are escaped) and pass. A literal that only mentions Nix (a message, docs) can be let through with
 * `// nix-strings: allow <why>` on the line above it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  text: string;
}

/** What Nix code looks like and TypeScript's other literals (shell, YAML, Markdown, messages) do not. */
const RULES: readonly { name: string; pattern: RegExp; why: string }[] = [
  { name: "builtins", pattern: /\bbuiltins\.[a-zA-Z]/, why: "calls a Nix builtin" },
  {
    name: "binding",
    pattern: /(?:^\s*|[{;]\s*)[A-Za-z_"][\w".'-]*\s=\s[^;\n=]*;/m,
    why: "binds a Nix attribute (`name = value;`)",
  },
  { name: "let-in", pattern: /\blet\s*\n[\s\S]*\bin\b/, why: "is a Nix `let … in`" },
  {
    name: "lib",
    pattern: /\b(?:lib\.mk[A-Z]\w*|mkDerivation|mkShell|callPackage|nixpkgs\.lib)\b/,
    why: "uses nixpkgs' lib",
  },
  { name: "import", pattern: /\bimport\s+(?:\.{0,2}\/|<[\w-]+>)/, why: "imports a Nix file" },
  {
    name: "lambda",
    pattern: /(?:^|[(\s])\{\s*[a-z]\w*(?:\s*,\s*[a-z]\w*)*(?:\s*,\s*\.\.\.)?\s*\}\s*:/m,
    why: "is a Nix function (`{ a, b }: …`)",
  },
  {
    name: "attrpath-interp",
    pattern: /#[A-Za-z_][\w.-]*\.\$\{|\bnixosConfigurations\.\$\{/,
    why: "builds an installable's attribute path by interpolation (use flakeAttrPath)",
  },
];

const RENDERER = /packages\/core\/src\/render\//;
const ALLOW = /\/\/\s*nix-strings:\s*allow\b/;
const TAGS = new Set(["nix", "interp"]);
const NAME = /^[A-Za-z_][\w.'-]*$/;

/** The literal's source with every `${expression}` blanked (newlines kept), so offsets stay exact. */
function maskedText(
  node: ts.TemplateExpression | ts.NoSubstitutionTemplateLiteral | ts.StringLiteral,
  sf: ts.SourceFile,
): string {
  const start = node.getStart(sf);
  let text = node.getText(sf);
  if (ts.isTemplateExpression(node)) {
    for (const span of node.templateSpans) {
      const a = span.expression.getStart(sf) - start;
      const b = span.expression.end - start;
      text = text.slice(0, a) + text.slice(a, b).replace(/[^\n]/g, " ") + text.slice(b);
    }
  }
  // The quotes themselves become blanks, so `^` can match at the literal's first character.
  return ` ${text.slice(1, -1)} `;
}

export function checkSource(file: string, source: string): Finding[] {
  if (RENDERER.test(file.replaceAll("\\", "/"))) return [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = source.split("\n");
  const findings: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && TAGS.has(node.tag.text)) return;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) {
      const text = maskedText(node, sf);
      // A bare (dotted) name such as "builtins.elem" for id(…) is a name, not code: nothing in it can be injected.
      if (NAME.test(text.slice(1, -1))) return;
      for (const rule of RULES) {
        const match = rule.pattern.exec(text);
        if (!match) continue;
        const at = node.getStart(sf) + match.index + (match[0].length - match[0].trimStart().length);
        const { line, character } = sf.getLineAndCharacterOfPosition(at);
        const startLine = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        if (startLine > 0 && ALLOW.test(lines[startLine - 1]!)) break;
        findings.push({
          file,
          line: line + 1,
          column: character + 1,
          rule: rule.name,
          text: `${rule.why}: ${match[0].trim().replace(/\s+/g, " ").slice(0, 60)}`,
        });
        break;
      }
      if (ts.isTemplateExpression(node)) node.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:ts|mts|tsx)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The shipped sources: every package's and app's src/. */
export function defaultRoots(repo: string): string[] {
  return ["packages", "apps"]
    .flatMap((top) => readdirSync(join(repo, top)).map((p) => join(repo, top, p, "src")))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
}

export function checkPaths(paths: readonly string[]): Finding[] {
  const files = paths.flatMap((p) => (statSync(p).isDirectory() ? sourceFiles(p) : [p]));
  return files.sort().flatMap((f) => checkSource(f, readFileSync(f, "utf8")));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const repo = process.cwd();
  const args = process.argv.slice(2);
  const findings = checkPaths(args.length ? args : defaultRoots(repo));
  const shown = (file: string) => (relative(repo, file).startsWith("..") ? file : relative(repo, file));
  for (const f of findings)
    console.error(`${shown(f.file)}:${f.line}:${f.column}: [${f.rule}] Nix built from a literal; ${f.text}`);
  if (findings.length) {
    console.error(
      `\n${findings.length} literal(s) look like Nix code. Build it with core's renderer (attrs, call, nix\`…\`, flakeAttrPath) or move it into a .nix file.`,
    );
    process.exitCode = 1;
  } else console.log("lint:nix: no Nix built from strings outside the renderer and .nix files");
}
