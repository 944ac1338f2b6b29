/**
 * `paved rollout plan`: per host, the system it runs now (read from its profile over SSH) and the one a rollout
 * would deploy, with what changes between them as Nix itself reports it (`nix store diff-closures`, which Nix
 * 2.8 has) and the closure size delta (`nix path-info --closure-size --json`).
 */
import { parsePathInfo, runNix } from "@paved/core";
import { loadRolloutInputs } from "./_config.ts";
import { buildSystems } from "./_nix.ts";
import { pool } from "./_pool.ts";
import { journalHost, selectHosts, sshTarget, type HostSelection } from "./_select.ts";
import { nixSshOpts, runRemote, storeUri } from "./_ssh.ts";
import type { Generation } from "./_journal.ts";

export interface PackageChange {
  name: string;
  /** Versions before and after; empty when the package is absent on that side. */
  before: string[];
  after: string[];
  /** Bytes, when Nix reported a size change. */
  sizeDelta?: number;
}

export interface ClosureDiff {
  added: PackageChange[];
  removed: PackageChange[];
  changed: PackageChange[];
  /** Packages whose versions stayed but whose size changed. */
  resized: PackageChange[];
  /** The lines as Nix printed them. */
  lines: string[];
}

export interface HostPlan {
  host: string;
  address: string;
  current: Generation;
  target: string;
  changed: boolean;
  diff?: ClosureDiff;
  closureSize: { before?: number; after?: number; delta?: number };
  error?: string;
}

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Parses `nix store diff-closures` output: `name: 1.0 → 1.1, +12.3 KiB`, with ∅ for absent and ε for an empty version. */
export function parseDiffClosures(text: string): ClosureDiff {
  const diff: ClosureDiff = { added: [], removed: [], changed: [], resized: [], lines: [] };
  for (const raw of text.split("\n")) {
    // Nix colours its output on a terminal; strip escapes in case NIX forces colour.
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "").trim();
    if (!line) continue;
    diff.lines.push(line);
    const colon = line.indexOf(": ");
    if (colon < 0) continue;
    const name = line.slice(0, colon);
    let rest = line.slice(colon + 2);
    let sizeDelta: number | undefined;
    const size = /(?:^|,\s*)([+-]\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)$/.exec(rest);
    if (size) {
      sizeDelta = Math.round(Number(size[1]) * UNITS[size[2]!]!);
      rest = rest.slice(0, size.index).trim();
    }
    const versions = (side: string) =>
      side.trim() === "∅" ? [] : side.split(",").map((v) => (v.trim() === "ε" ? "" : v.trim()));
    if (!rest.includes("→")) {
      diff.resized.push({ name, before: [], after: [], sizeDelta });
      continue;
    }
    const [left, right] = rest.split("→") as [string, string];
    const change: PackageChange = { name, before: versions(left), after: versions(right), sizeDelta };
    if (change.before.length === 0) diff.added.push(change);
    else if (change.after.length === 0) diff.removed.push(change);
    else diff.changed.push(change);
  }
  return diff;
}

export interface PlanOptions {
  dir: string;
  select?: HostSelection;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  nixArgs?: string[];
}

export async function planRollout(options: PlanOptions): Promise<HostPlan[]> {
  const inputs = await loadRolloutInputs(options.dir);
  const hosts = selectHosts(inputs.hosts, options.select ?? {}).map((h) => journalHost(h, inputs.rollout));
  const flake = inputs.rollout.flake ?? options.dir;
  const targets = await buildSystems(
    hosts.map((h) => h.name),
    { flake, nixArgs: options.nixArgs, signal: options.signal, onProgress: options.onProgress },
  );
  const plans: HostPlan[] = [];
  await pool(
    hosts,
    inputs.rollout.concurrency,
    async (host) => {
      const ssh = sshTarget(host, inputs.rollout.ssh);
      const target = targets[host.name]!;
      const plan: HostPlan = {
        host: host.name,
        address: host.address,
        current: { generation: null, path: "" },
        target,
        changed: true,
        closureSize: {},
      };
      plans.push(plan);
      // Read-only on the host: just where its profile points.
      const read = await runRemote(ssh, ["sh", "-c", 'readlink "$1" && readlink -f "$1"', "paved-plan", host.profile], {
        signal: options.signal,
        timeoutMs: 60_000,
      });
      if (read.exitCode !== 0) {
        plan.error = read.unreachable ? `SSH failed: ${read.stderr.trim()}` : `no system profile at ${host.profile}`;
        return;
      }
      const [link, path] = read.stdout.trim().split("\n");
      const gen = /-(\d+)-link$/.exec(link ?? "");
      plan.current = { generation: gen ? Number(gen[1]) : null, path: path ?? "" };
      plan.changed = plan.current.path !== target;
      try {
        // diff-closures needs both closures here; fetching the running one is a no-op when it is already present.
        await runNix(["copy", "--from", storeUri(ssh), plan.current.path], {
          signal: options.signal,
          env: { NIX_SSHOPTS: nixSshOpts(ssh) },
        });
        const diff = await runNix(["store", "diff-closures", plan.current.path, target], { signal: options.signal });
        plan.diff = parseDiffClosures(diff.stdout);
        const info = await runNix(["path-info", "--json", "--closure-size", plan.current.path, target], {
          signal: options.signal,
        });
        const sizes = parsePathInfo(info.stdout);
        const size = (p: string) => sizes.find((s) => s.path === p)?.closureSize;
        plan.closureSize = { before: size(plan.current.path), after: size(target) };
        if (plan.closureSize.before !== undefined && plan.closureSize.after !== undefined)
          plan.closureSize.delta = plan.closureSize.after - plan.closureSize.before;
      } catch (error) {
        plan.error = (error as Error).message;
      }
    },
    () => false,
  );
  return hosts.map((h) => plans.find((p) => p.host === h.name)!);
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? "-" : "+";
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${sign}${abs} B`;
  if (abs < 1024 ** 2) return `${sign}${(abs / 1024).toFixed(1)} KiB`;
  if (abs < 1024 ** 3) return `${sign}${(abs / 1024 ** 2).toFixed(1)} MiB`;
  return `${sign}${(abs / 1024 ** 3).toFixed(2)} GiB`;
}
