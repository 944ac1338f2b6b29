import { isPlainShellWord, shellQuote } from "@paved/core";
import { DEFAULT_NIX_VERSION } from "./_pins.ts";
import { planTeamCache, type TeamCachePlan } from "./_team-cache.ts";
import type { CiCacheSettings, CiProvider, CiSettings, ShellSettings, Step1Config } from "./_types.ts";

/**
 * Default commands per detected toolchain, most specific first. A package manager wins over its language
 * (pnpm over node, uv over python), and every command is the non-interactive, lockfile-respecting form a CI
 * run wants (frozen lockfiles, batch mode).
 */
const DEFAULTS: { when: string; unless?: string[]; commands: string[] }[] = [
  { when: "pnpm", commands: ["pnpm install --frozen-lockfile", "pnpm test"] },
  { when: "yarn", commands: ["yarn install --immutable", "yarn test"] },
  { when: "bun", commands: ["bun install --frozen-lockfile", "bun test"] },
  { when: "npm", unless: ["pnpm", "yarn", "bun"], commands: ["npm ci", "npm test"] },
  { when: "node", unless: ["pnpm", "yarn", "bun", "npm"], commands: ["npm ci", "npm test"] },
  { when: "deno", commands: ["deno test"] },
  { when: "uv", commands: ["uv sync --locked", "uv run pytest"] },
  { when: "poetry", unless: ["uv"], commands: ["poetry install --no-interaction", "poetry run pytest"] },
  { when: "python", unless: ["uv", "poetry"], commands: ["pytest"] },
  { when: "go", commands: ["go vet ./...", "go test ./..."] },
  { when: "rust", commands: ["cargo test --locked"] },
  { when: "maven", commands: ["mvn -B verify"] },
  { when: "gradle", unless: ["maven"], commands: ["gradle check --no-daemon"] },
  { when: "bundler", commands: ["bundle install", "bundle exec rake"] },
  { when: "ruby", unless: ["bundler"], commands: ["rake"] },
  { when: "composer", commands: ["composer install --no-interaction", "vendor/bin/phpunit"] },
  { when: "dotnet", commands: ["dotnet test"] },
  { when: "opentofu", commands: ["tofu init -backend=false", "tofu validate"] },
  { when: "terraform", unless: ["opentofu"], commands: ["terraform init -backend=false", "terraform validate"] },
];

/** The commands paved runs for a shell when paved.yaml has no `ci.steps` for it. */
export function defaultSteps(shell: ShellSettings): string[] {
  const have = new Set(Object.keys(shell.toolchains ?? {}));
  const commands: string[] = [];
  for (const rule of DEFAULTS) {
    if (!have.has(rule.when) || rule.unless?.some((t) => have.has(t))) continue;
    for (const command of rule.commands) if (!commands.includes(command)) commands.push(command);
  }
  return commands;
}

export interface ShellJob {
  shell: string;
  /** Directory the commands run in, relative to the repository root. */
  dir?: string;
  commands: string[];
  /** Whether the commands are paved's defaults (true) or come from `ci.steps` (false). */
  detected: boolean;
}

export interface CiPlan {
  provider: CiProvider;
  nixVersion: string;
  cache: CiCacheSettings;
  /** The team binary cache: when set, jobs substitute from it and push to it instead of using `cache`. */
  teamCache?: TeamCachePlan;
  /** Runner labels (GitHub) or tags (GitLab) of self-hosted runners; undefined for hosted runners. */
  selfHosted?: { labels: string[]; hasNix: boolean };
  timeoutMinutes: number;
  branches: string[];
  jobs: ShellJob[];
}

/** Everything a pipeline renderer needs, resolved from paved.yaml with defaults filled in. */
export function planCi(config: Step1Config, ci: CiSettings): CiPlan {
  const shells = config.shells ?? {};
  const steps = ci.steps ?? {};
  const names = [...new Set([...Object.keys(shells), ...Object.keys(steps)])].sort((a, b) =>
    a === "default" ? -1 : b === "default" ? 1 : a.localeCompare(b),
  );
  const jobs = names.map((shell): ShellJob => {
    const explicit = steps[shell];
    const dir = shells[shell]?.dir;
    const commands = explicit ?? defaultSteps(shells[shell] ?? {});
    return { shell, ...(dir ? { dir } : {}), commands, detected: explicit === undefined };
  });
  const teamCache = planTeamCache(config);
  return {
    provider: ci.provider,
    nixVersion: ci.nixVersion ?? DEFAULT_NIX_VERSION,
    cache: ci.cache ?? { kind: "ci" },
    ...(teamCache ? { teamCache } : {}),
    ...(ci.selfHosted ? { selfHosted: { labels: ci.selfHosted.labels, hasNix: ci.selfHosted.hasNix ?? true } } : {}),
    timeoutMinutes: ci.timeoutMinutes ?? 30,
    branches: ci.branches?.length ? ci.branches : ["main"],
    jobs,
  };
}

/**
 * A command run inside a dev shell. Plain words go to `nix develop -c` as they are; anything with shell syntax
 * (pipes, &&, globs, quotes, variables) goes through `bash -c` so it means what it meant in the old pipeline.
 */
export function inDevShell(shell: string, command: string): string {
  const words = command.trim().split(/\s+/);
  const plain = words.every(isPlainShellWord);
  const run = plain ? words.join(" ") : `bash -euo pipefail -c ${shellQuote(command.trim())}`;
  return `nix develop .#${shell} -c ${run}`;
}
