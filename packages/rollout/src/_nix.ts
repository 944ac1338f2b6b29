/** The Nix side of a rollout: building host systems (here or on a build host) and copying closures over SSH. */
import {
  attrs,
  call,
  derivationInstallable,
  ensureNixVersion,
  fn,
  id,
  parseBuildResults,
  PavedError,
  renderNix,
  runNix,
  sel,
  type NixResult,
} from "@paved/core";
import { nixSshOpts, storeUri, type SshTarget } from "./_ssh.ts";

export interface BuildOptions {
  flake: string;
  /** Extra flake arguments such as --override-input. */
  nixArgs?: string[];
  /** Build on this machine (an SSH store) instead of here; the results stay there until copied. */
  buildHost?: SshTarget;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The derivation of every host's system, from one evaluation of the flake. (`nix build --json` does not keep
 * the order of its installables, so results are matched to hosts by derivation path.)
 */
async function systemDerivations(hosts: readonly string[], options: BuildOptions): Promise<Record<string, string>> {
  const bad = hosts.find((h) => !HOST_NAME.test(h));
  if (bad)
    throw new PavedError("E_INPUT", `${JSON.stringify(bad)} is not a valid host name`, {
      hint: "Host names are lower-case letters, digits and -.",
    });
  const apply = renderNix(systemDrvPaths(hosts), { trailingNewline: false });
  const result = await runNix(
    ["eval", "--json", ...(options.nixArgs ?? []), `${options.flake}#nixosConfigurations`, "--apply", apply],
    { signal: options.signal, env: options.env },
  );
  const drvs = JSON.parse(result.stdout) as Record<string, { drv: string }>;
  const missing = hosts.filter((h) => !drvs[h]);
  if (missing.length > 0) {
    throw new PavedError("E_NIX_EVAL", `The flake has no nixosConfigurations for ${missing.join(", ")}`, {
      hint: "Every host in paved.yaml needs nixosConfigurations.<name> in the platform flake; run `paved render` or add it.",
    });
  }
  return Object.fromEntries(hosts.map((h) => [h, drvs[h]!.drv]));
}

/** `cs: builtins.mapAttrs (n: c: { drv = …drvPath; }) (builtins.intersectAttrs { "h" = null; … } cs)` */
function systemDrvPaths(hosts: readonly string[]) {
  const drv = fn("n", fn("c", attrs({ drv: sel(id("c"), ["config", "system", "build", "toplevel", "drvPath"]) })));
  const wanted = attrs(Object.fromEntries(hosts.map((h) => [h, null])));
  return fn("cs", call(id("builtins.mapAttrs"), drv, call(id("builtins.intersectAttrs"), wanted, id("cs"))));
}

/** Builds every host's system (one evaluation, one `nix build`); returns host → store path. */
export async function buildSystems(hosts: readonly string[], options: BuildOptions): Promise<Record<string, string>> {
  if (hosts.length === 0) return {};
  const drvs = await systemDerivations(hosts, options);
  const unique = [...new Set(Object.values(drvs))];
  const env = { ...options.env, ...(options.buildHost ? { NIX_SSHOPTS: nixSshOpts(options.buildHost) } : {}) };
  const store: string[] = [];
  if (options.buildHost) {
    const uri = `ssh-ng://${options.buildHost.user}@${options.buildHost.address}`;
    await runNix(["copy", "--derivation", "--to", uri, ...unique], { signal: options.signal, env });
    store.push("--store", uri);
  }
  const version = await ensureNixVersion();
  const installables = unique.map((drv) => derivationInstallable(drv, version));
  const result = await runNix(["build", "--no-link", "--json", ...store, ...installables], {
    signal: options.signal,
    onProgress: options.onProgress,
    env,
    dieWithParent: true,
  });
  const built = new Map(parseBuildResults(result.stdout).map((b) => [b.drvPath, b.outputs.out]));
  const unbuilt = unique.filter((drv) => !built.get(drv));
  if (unbuilt.length > 0) {
    throw new PavedError("E_NIX_OUTPUT", `nix build reported no output for ${unbuilt.join(", ")}`, {
      hint: "Run `paved doctor` to see which Nix this is; paved supports Nix 2.8 and newer.",
      details: { command: result.argv },
    });
  }
  return Object.fromEntries(hosts.map((h) => [h, built.get(drvs[h]!)!]));
}

export interface CopyOptions {
  substituteOnDestination: boolean;
  /** Copy from this build host's store instead of the local one. */
  from?: SshTarget;
  signal?: AbortSignal;
  dryRun?: boolean;
}

/** `nix copy --to ssh://HOST PATH`: the closure goes over Nix's own SSH store protocol. */
export function copyClosure(target: SshTarget, path: string, options: CopyOptions): Promise<NixResult> {
  // -v: nix copy names each path it sends, which is how the journal counts bytes.
  const args = ["copy", "-v", "--to", storeUri(target)];
  if (options.from) args.push("--from", `ssh-ng://${options.from.user}@${options.from.address}`);
  if (options.substituteOnDestination) args.push("--substitute-on-destination");
  args.push(path);
  return runNix(args, {
    signal: options.signal,
    dryRun: options.dryRun,
    env: { NIX_SSHOPTS: nixSshOpts(target) },
    dieWithParent: true,
  });
}
