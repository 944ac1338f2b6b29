/**
 * Which flake and which of its dev shells `paved shell` means, from the working directory: the nearest directory
 * upwards with a flake.nix is the root; inside a sub-project listed in paved.yaml (`shells.<name>.dir`) the shell
 * is that sub-project's. What paved.yaml says is remembered in the cache under the file's digest, so a warm entry
 * never parses YAML.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { digest, readJson, writeFileAtomicSync, type CheckoutMeta, CACHE_FORMAT } from "./_cache.ts";

export interface Located {
  /** The flake's directory: the repository root, or its nix/paved subflake when the root flake.nix is the team's. */
  root: string;
  /** Where paved.yaml is when that is not `root` (an adopted repository); `subdir` is relative to it. */
  configRoot?: string;
  /** Relative path of the working directory inside the root ("" at the root). */
  subdir: string;
  pavedYaml?: { path: string; hash: string };
}

/** paved's subflake in a repository whose root flake.nix is the team's own (render/_files.ts ADOPTED_FLAKE_DIR). */
const ADOPTED = join("nix", "paved", "flake.nix");

/**
 * The nearest directory upwards with a flake.nix (or with paved.yaml and paved's nix/paved subflake, which wins
 * over the team's root flake); undefined when there is none.
 */
export function locateRoot(cwd: string): Located | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const adopted = existsSync(join(dir, ADOPTED)) && existsSync(join(dir, "paved.yaml"));
    if (adopted || existsSync(join(dir, "flake.nix"))) {
      const configPath = join(dir, "paved.yaml");
      let pavedYaml: Located["pavedYaml"];
      try {
        pavedYaml = { path: configPath, hash: digest(readFileSync(configPath)) };
      } catch {
        pavedYaml = undefined;
      }
      const subdir = relative(dir, resolve(cwd));
      return adopted
        ? { root: dirname(join(dir, ADOPTED)), configRoot: dir, subdir, pavedYaml }
        : { root: dir, subdir, pavedYaml };
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

export interface ShellChoice {
  shell: string;
  /** Absolute nixpkgs path from paved.yaml `nixpkgs.path`, if any. */
  configNixpkgs?: string;
  /** Why this shell: "argument", "default", or the matching `shells.<name>.dir`. */
  reason: string;
}

/** The longest `dir` that contains `subdir` wins; outside every sub-project it is `default`. */
export function shellForDir(dirs: readonly [string, string][], subdir: string): { shell: string; dir?: string } {
  const here = subdir.split(sep).join("/");
  let best: { shell: string; dir?: string } = { shell: "default" };
  for (const [dir, shell] of dirs) {
    const clean = dir.replace(/\/+$/, "");
    if (
      (here === clean || here.startsWith(`${clean}/`)) &&
      (best.dir === undefined || clean.length > best.dir.length)
    ) {
      best = { shell, dir: clean };
    }
  }
  return best;
}

type ConfigFacts = NonNullable<CheckoutMeta["config"]>;

export type ConfigReader = (root: string) => Promise<{ dirs: [string, string][]; nixpkgsPath?: string }>;

/**
 * paved.yaml facts, from the cache when the file's digest matches, else parsed by `read` (the cold path, which
 * loads the YAML parser). null when the file changed and there is no reader: the warm path gives up.
 */
async function configFacts(
  located: Located,
  checkoutFile: string,
  read?: ConfigReader,
): Promise<ConfigFacts | undefined | null> {
  if (!located.pavedYaml) return undefined;
  const cached = readJson<CheckoutMeta>(checkoutFile);
  if (cached?.config?.hash === located.pavedYaml.hash) return cached.config;
  if (!read) return null;
  const facts = await read(located.configRoot ?? located.root).then((config) => factsFrom(located, config));
  const meta: CheckoutMeta = { format: CACHE_FORMAT, root: located.root, config: facts };
  writeFileAtomicSync(checkoutFile, `${JSON.stringify(meta, null, 2)}\n`);
  return facts;
}

function factsFrom(located: Located, read: Awaited<ReturnType<ConfigReader>>): ConfigFacts {
  if (!located.pavedYaml) throw new Error("factsFrom needs paved.yaml");
  const facts: ConfigFacts = { hash: located.pavedYaml.hash, dirs: read.dirs };
  if (read.nixpkgsPath)
    facts.nixpkgsPath = isAbsolute(read.nixpkgsPath)
      ? read.nixpkgsPath
      : resolve(located.configRoot ?? located.root, read.nixpkgsPath);
  return facts;
}

/** null when paved.yaml changed since paved last read it and there is no reader (the warm path). */
export async function chooseShell(
  located: Located,
  checkoutFile: string,
  requested: string | undefined,
  read?: ConfigReader,
): Promise<ShellChoice | null> {
  const facts = await configFacts(located, checkoutFile, read);
  if (facts === null) return null;
  if (requested) return { shell: requested, configNixpkgs: facts?.nixpkgsPath, reason: "argument" };
  const picked = shellForDir(facts?.dirs ?? [], located.subdir);
  return {
    shell: picked.shell,
    configNixpkgs: facts?.nixpkgsPath,
    reason: picked.dir === undefined ? "default" : `shells.${picked.shell}.dir = ${picked.dir}`,
  };
}

/** Records the checkout for `paved gc` even when it has no paved.yaml. */
export function rememberCheckout(located: Located, checkoutFile: string): void {
  if (existsSync(checkoutFile)) return;
  const meta: CheckoutMeta = { format: CACHE_FORMAT, root: located.root };
  writeFileAtomicSync(checkoutFile, `${JSON.stringify(meta, null, 2)}\n`);
}
