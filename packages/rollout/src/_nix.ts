/** The Nix side of a rollout: building host systems (here or on a build host) and copying closures over SSH. */
import { runNix, type NixResult } from "@paved/core";
import { nixSshOpts, storeUri, type SshTarget } from "./_ssh.ts";

export function toplevelInstallable(flake: string, host: string): string {
  return `${flake}#nixosConfigurations.${JSON.stringify(host)}.config.system.build.toplevel`;
}

export interface BuildOptions {
  flake: string;
  /** Build on this machine (an SSH store) instead of here; the results stay there until copied. */
  buildHost?: SshTarget;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

/** Builds every host's system in one `nix build` (one evaluation of the flake); returns host → store path. */
export async function buildSystems(hosts: readonly string[], options: BuildOptions): Promise<Record<string, string>> {
  if (hosts.length === 0) return {};
  const store = options.buildHost ? ["--eval-store", "auto", "--store", `ssh-ng://${options.buildHost.user}@${options.buildHost.address}`] : [];
  const result = await runNix(["build", "--no-link", "--json", ...store, ...hosts.map((h) => toplevelInstallable(options.flake, h))], {
    signal: options.signal,
    onProgress: options.onProgress,
    env: { ...options.env, ...(options.buildHost ? { NIX_SSHOPTS: nixSshOpts(options.buildHost) } : {}) },
  });
  const built = JSON.parse(result.stdout) as { outputs: { out: string } }[];
  return Object.fromEntries(hosts.map((h, i) => [h, built[i]!.outputs.out]));
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
  const args = ["copy", "--to", storeUri(target)];
  if (options.from) args.push("--from", `ssh-ng://${options.from.user}@${options.from.address}`);
  if (options.substituteOnDestination) args.push("--substitute-on-destination");
  args.push(path);
  return runNix(args, { signal: options.signal, dryRun: options.dryRun, env: { NIX_SSHOPTS: nixSshOpts(target) } });
}
