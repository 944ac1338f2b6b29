/**
 * Toolchain versions as the ecosystems write them, checked per toolchain. A version ends up in paved.yaml,
 * in explanations and in the choice of a nixpkgs attribute, so only the grammar of version constraints is
 * accepted — never free text such as `banana` or `22.x; rm -rf`. The grammar matches what devshell's range
 * reader understands (packages/devshell/src/nixpkgs/_range.ts).
 */
import type { Toolchain } from "./shells.ts";

// 22, 22.11, 22.11.0, 22.x, 3.12.*, v22, 1.24rc1, 21.0.2+13, 10.1.0+sha512.<hex>, 1.80.0-x86_64-unknown-linux-gnu
const VERSION = String.raw`v?\d{1,9}(?:\.(?:\d{1,9}|[xX*])){0,3}(?:[-+._]?[A-Za-z0-9][A-Za-z0-9.+_-]{0,200})?`;
const NPM_OPS = String.raw`(?:>=|<=|>|<|=|\^|~)`;
const PEP440_OPS = "(?:~=|===|==|!=|>=|<=|>|<)";
const RUBY_OPS = "(?:~>|>=|<=|!=|=|>|<)";
const GO_OPS = "(?:>=)";

/** `OP? VERSION`, joined by spaces or commas (AND) and `||` or `|` (OR); or a hyphen range `a - b`. */
function constraint(ops: string): RegExp {
  const comparator = `${ops}?\\s*${VERSION}`;
  const and = `${comparator}(?:(?:\\s*,\\s*|\\s+)${comparator})*`;
  return new RegExp(`^(?:${VERSION}\\s+-\\s+${VERSION}|${and}(?:\\s*\\|\\|?\\s*${and})*)$`);
}

interface Grammar {
  pattern: RegExp;
  words: RegExp;
  examples: string;
}

const npm: Grammar = {
  pattern: constraint(NPM_OPS),
  words: /^(\*|latest)$/,
  examples: '"22", "22.11.0", "^22", "~22.1", ">=20 <23", "20 || 22", "22.x"',
};
const pep440: Grammar = {
  pattern: constraint(PEP440_OPS),
  words: /^\*$/,
  examples: '"3.12", "3.12.4", "3.12.*", ">=3.11,<3.14", "~=3.12"',
};
const ruby: Grammar = {
  pattern: constraint(RUBY_OPS),
  words: /^\*$/,
  examples: '"3.3", "3.3.0", "~> 3.3", ">= 3.1, < 4"',
};
const plain: Grammar = {
  pattern: constraint(NPM_OPS),
  words: /^(\*|latest)$/,
  examples: '"21", "21.0.2", ">=17", "8.0.100"',
};

const GRAMMARS: Record<Toolchain, Grammar> = {
  node: {
    ...npm,
    words: /^(\*|latest|current|node|stable|system|lts|lts\/(\*|[a-z]+))$/,
    examples: `${npm.examples}, "lts", "lts/iron", "latest"`,
  },
  pnpm: npm,
  yarn: npm,
  npm,
  bun: npm,
  deno: npm,
  python: pep440,
  uv: pep440,
  poetry: pep440,
  // "*" is what paved writes for a toolchain a repository uses without naming a version (a go.mod without a go line).
  go: { pattern: constraint(GO_OPS), words: /^\*$/, examples: '"1.24", "1.24.3", ">=1.24", "1.25rc1"' },
  rust: {
    pattern: constraint(NPM_OPS),
    words: /^(\*|(stable|beta|nightly)(-\d{4}-\d{2}-\d{2})?(-[a-z0-9_]+(-[a-z0-9_]+){1,3})?)$/,
    examples: '"stable", "beta", "nightly", "nightly-2026-01-15", "1.85", "1.85.0", ">=1.80"',
  },
  java: plain,
  kotlin: plain,
  maven: plain,
  gradle: plain,
  ruby,
  bundler: ruby,
  php: { ...npm, examples: '"8.3", "^8.2", ">=8.1", "8.1.*", "^7.4|^8.0"' },
  composer: npm,
  dotnet: { ...plain, examples: '"8", "8.0", "8.0.100", "8.0.1xx"' },
  terraform: { ...ruby, words: /^(\*|latest|min-required)$/, examples: '"1.9.5", "~> 1.9", ">= 1.5, < 2.0", "latest"' },
  opentofu: { ...ruby, words: /^(\*|latest|min-required)$/, examples: '"1.8.3", "~> 1.8", ">= 1.6", "latest"' },
};

/** Whether `version` is a version or constraint the toolchain's ecosystem writes. */
export function isToolchainVersion(toolchain: Toolchain, version: string): boolean {
  const grammar = GRAMMARS[toolchain];
  const v = version.trim();
  return v.length > 0 && v.length <= 256 && (grammar.words.test(v) || grammar.pattern.test(v));
}

/** The forms a toolchain accepts, for "expected …" in messages. */
export function toolchainVersionExpected(toolchain: Toolchain): string {
  return `a ${toolchain} version or range such as ${GRAMMARS[toolchain].examples}`;
}
