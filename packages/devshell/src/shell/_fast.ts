/**
 * The stamp that lets `bin/paved` serve a warm `paved shell [NAME] [--nixpkgs P] -- CMD` with bash alone (see
 * apps/cli/bin/shell-fast.bash): no Node, no Nix. The launcher names the file (per working directory and
 * arguments) and passes it in PAVED_FAST_STAMP when it had to start Node; paved writes it after a warm hit it
 * verified by content. It holds the direnv stamp's `__paved_fresh` (every input by one `stat`), extended with what
 * picks the flake and the shell here: no flake.nix appeared between the working directory and the root, and
 * paved.yaml (which maps sub-project directories to shells) is the file paved read. Anything in doubt makes it
 * say "ask paved", never "warm".
 */
import { dirname, join, resolve } from "node:path";
import { renderStamp, type StampExtra } from "../direnv/_stamp.ts";
import { slotPaths, cacheRoot, writeFileAtomicSync } from "./_cache.ts";
import { currentSystem, statSignature, trustedSignature } from "./_fingerprint.ts";
import { chooseShell, locateRoot } from "./_locate.ts";
import { quote } from "./_rc.ts";
import type { PreparedShell } from "./_warm.ts";

export const FAST_STAMP_ENV = "PAVED_FAST_STAMP";

/** The stamp's checks of where the flake is: what `locateRoot` found must be what it would find now. */
function locationTests(cwd: string, found: string, adopted: boolean): string[] {
  const flake = (dir: string) => quote(join(dir, "flake.nix"));
  const subflake = (dir: string) => quote(join(dir, "nix", "paved", "flake.nix"));
  // The directory itself, by device and inode: a path through a symlink that now points elsewhere is another place.
  const tests: string[] = [`[ . -ef ${quote(resolve(cwd))} ]`];
  for (let dir = resolve(cwd); dir !== found; dir = dirname(dir)) {
    tests.push(`[ ! -e ${flake(dir)} ] && [ ! -e ${subflake(dir)} ]`);
    if (dirname(dir) === dir) return [];
  }
  const config = quote(join(found, "paved.yaml"));
  tests.push(
    adopted
      ? `[ -e ${subflake(found)} ] && [ -e ${config} ]`
      : `[ -e ${flake(found)} ] && ! { [ -e ${subflake(found)} ] && [ -e ${config} ]; }`,
  );
  return tests;
}

/**
 * Writes the launcher's stamp for `prepared` (a warm hit) at `file`, or an "ask" stamp when something could not be
 * proven. Never throws: the stamp only ever saves time.
 */
export async function writeShellStamp(
  file: string,
  prepared: PreparedShell,
  options: { cwd: string; shell?: string; env?: NodeJS.ProcessEnv },
): Promise<boolean> {
  try {
    const located = locateRoot(options.cwd);
    if (!located || located.root !== prepared.root || prepared.cache !== "hit") return false;
    const found = located.configRoot ?? located.root;
    const extra = {
      present: [] as string[],
      absent: [] as string[],
      tests: locationTests(options.cwd, found, located.configRoot !== undefined),
      signatures: {} as Record<string, string>,
    } satisfies StampExtra;
    if (extra.tests.length < 2) return false;
    const config = join(found, "paved.yaml");
    if (located.pavedYaml) {
      // The shell a directory maps to comes from paved.yaml: its stat stands for the content only if the content
      // read now (by choosing again) gives this shell and the file did not change around that read.
      const before = trustedSignature(config);
      const { checkoutDir } = slotPaths(cacheRoot(options.env ?? process.env), located.root, "");
      const again = before ? await chooseShell(located, join(checkoutDir, "checkout.json"), options.shell) : null;
      if (
        !before ||
        before === "absent" ||
        !again ||
        again.shell !== prepared.shell ||
        statSignature(config) !== before
      )
        return false;
      extra.present.push(config);
      extra.signatures[config] = before;
    } else extra.absent.push(config);
    const parts = { root: prepared.root, shell: prepared.shell, nixpkgs: prepared.nixpkgs, system: currentSystem() };
    const fresh = renderStamp({ meta: prepared.meta, parts, entryDir: prepared.entryDir }, extra);
    const env = [`PAVED_SHELL=${quote(prepared.shell)}`, `PAVED_SHELL_ROOT=${quote(prepared.root)}`];
    if (prepared.meta.storePath) env.push(`NIX_GCROOT=${quote(prepared.meta.storePath)}`);
    writeFileAtomicSync(
      file,
      [fresh.trimEnd(), `__paved_rc=${quote(prepared.rcPath)}`, `__paved_exports=(${env.join(" ")})`, ""].join("\n"),
    );
    return true;
  } catch {
    return false;
  }
}
