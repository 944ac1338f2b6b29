/**
 * `paved doctor` and the team binary cache (paved.yaml cache:, issue 19): does this machine's Nix substitute from
 * it — the URL among its substituters and the team's public key among its trusted keys, read from Nix's effective
 * configuration (nix.conf, NIX_CONFIG, extra-* included)? Without it, a developer rebuilds what CI already built.
 */
import { exec } from "../exec/_exec.ts";
import { cacheSubstituters, loadConfig } from "../config/index.ts";
import { nixCommand, nixVersion } from "../nix/_runner.ts";
import { nixConfigCommand, parseNixConfig } from "../nix/_compat.ts";
import type { DoctorCheck } from "./_doctor.ts";

const words = (value: unknown): string[] =>
  (Array.isArray(value) ? value.map(String) : String(value ?? "").split(/\s+/)).filter(Boolean);
/** Nix compares substituter URLs without a trailing slash or store parameters. */
const bare = (url: string) => url.replace(/\?.*$/, "").replace(/\/+$/, "");

export async function checkTeamCache(dir: string, nixOk: boolean): Promise<DoctorCheck[]> {
  let substituters;
  try {
    const { config } = await loadConfig(dir);
    substituters = cacheSubstituters(config.cache, config.hosts);
  } catch {
    // No paved.yaml, or an invalid one: other commands report that.
    return [];
  }
  if (substituters.length === 0) return [];
  const base = { id: "team-cache", title: "Nix trusts the team binary cache" };
  const team = substituters[0]!;
  if (!nixOk) return [{ ...base, status: "skip", detail: "needs Nix", fix: "Install Nix first." }];
  let config: Record<string, unknown> | undefined;
  try {
    const result = await exec(nixCommand(nixConfigCommand(await nixVersion())).argv);
    config = result.exitCode === 0 ? parseNixConfig(result.stdout) : undefined;
  } catch {
    config = undefined;
  }
  if (!config)
    return [
      {
        ...base,
        status: "warn",
        detail: "could not read Nix's configuration",
        fix: "Run `nix config show` (Nix < 2.20: `nix show-config`) and check substituters and trusted-public-keys.",
      },
    ];
  const keys = words(config["trusted-public-keys"]);
  const subs = [...words(config.substituters), ...words(config["trusted-substituters"])].map(bare);
  const fix = [
    "Add to /etc/nix/nix.conf (then restart nix-daemon), or on NixOS to nix.settings:",
    `  extra-substituters = ${team.url}`,
    `  extra-trusted-public-keys = ${team.publicKey}`,
    "(Trusted users may instead accept the flake's nixConfig once.)",
  ].join("\n");
  if (!keys.includes(team.publicKey)) {
    return [
      {
        ...base,
        status: "warn",
        detail: `the team's key ${team.publicKey.split(":")[0]} is not in trusted-public-keys: Nix refuses the cache's paths and rebuilds them`,
        fix,
      },
    ];
  }
  if (!subs.includes(bare(team.url))) {
    return [{ ...base, status: "warn", detail: `${team.url} is not among Nix's substituters`, fix }];
  }
  return [{ ...base, status: "ok", detail: `${bare(team.url)}, key ${team.publicKey.split(":")[0]}` }];
}
