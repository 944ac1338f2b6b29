/**
 * hosts/NAME.nix for the roles this package owns (bastion, staging, internal): the host's name and the paved.*
 * options its role and paved.yaml call for. The platform flake (core, platform/) imports paved's modules with
 * only the baseline on, the roster, and this file.
 */
import { attrs, call, CURRENT_STABLE_RELEASE, fn, hostFile, id, path, PavedError, renderNix, sel, type GeneratedFile, type HostConfig, type NixValue, type PavedConfig, type RoleDefaults } from "@paved/core";

export const ROLE_HOST_ROLES = ["bastion", "staging", "internal", "cache"] as const;
export type RoleHostRole = (typeof ROLE_HOST_ROLES)[number];

export interface HostModules {
  baseline: boolean;
  bastion: boolean;
  logging: boolean;
  monitoring: boolean;
}

/** Which paved modules a host runs: its role's defaults, overridden by the host. */
export function hostModules(host: HostConfig, config: PavedConfig): HostModules {
  const role: Partial<RoleDefaults> = config.roles[host.role] ?? {};
  const defaults = role.modules ?? { baseline: true, logging: false, monitoring: false };
  return {
    baseline: host.modules?.baseline ?? defaults.baseline,
    bastion: host.role === "bastion",
    logging: host.modules?.logging ?? defaults.logging,
    monitoring: host.modules?.monitoring ?? defaults.monitoring,
  };
}

/** "nixos-26.05" → "26.05"; unstable counts as the current stable release. */
export function stateVersionFor(config: PavedConfig): string {
  return /([0-9]{2}\.(05|11))/.exec(config.nixpkgs.release)?.[1] ?? /([0-9]{2}\.(05|11))/.exec(CURRENT_STABLE_RELEASE)![1]!;
}

function configError(message: string, hint: string): PavedError {
  return new PavedError("E_CONFIG_INVALID", message, { hint });
}

/**
 * The team cache served by harmonia (targets nixos-26.05 and unstable, where its options live under
 * services.harmonia.cache). The signing key is a path *string*: NixOS hands it to the unit as a systemd
 * credential, so neither the key nor its file is copied into the Nix store.
 */
function cacheHostBindings(name: string, config: PavedConfig): [string[], NixValue][] {
  const cache = config.cache;
  if (cache?.kind !== "harmonia" || cache.host !== name) {
    throw configError(`host ${name} has role cache but paved.yaml's cache does not name it`, `Set cache: { kind: harmonia, host: ${name}, publicKey: …, signingKeyFile: … } in paved.yaml, or give ${name} another role.`);
  }
  const settings: Record<string, NixValue> = { bind: `[::]:${cache.port}` };
  if (cache.priority !== undefined) settings.priority = cache.priority;
  return [
    [["services", "harmonia", "cache"], attrs({ enable: true, signKeyPaths: [cache.signingKeyFile!], settings: attrs(settings) })],
    [["networking", "firewall", "allowedTCPPorts"], [cache.port]],
  ];
}

export function renderRoleHost(name: string, host: HostConfig, config: PavedConfig): GeneratedFile {
  if (!(ROLE_HOST_ROLES as readonly string[]).includes(host.role)) {
    throw new PavedError("E_INPUT", `host ${name} has role ${host.role}, which @paved/baseline does not render`, {
      hint: `Roles here: ${ROLE_HOST_ROLES.join(", ")}. CI runner hosts come from the ci-runner step.`,
    });
  }
  const role: Partial<RoleDefaults> = config.roles[host.role] ?? {};
  const on = hostModules(host, config);
  const b: [string[], NixValue][] = [
    [["networking", "hostName"], name],
    // The release the host was first installed with: NixOS keys state formats on it, so upgrades must not move it.
    [["system", "stateVersion"], host.stateVersion ?? stateVersionFor(config)],
    [["paved", "baseline", "enable"], on.baseline],
  ];
  const sshFrom = role.sshAllowFrom ?? [];
  if (on.bastion) {
    b.push([["paved", "bastion", "enable"], true]);
    b.push([["paved", "bastion", "allowFrom"], sshFrom]);
    if (role.jumpPorts && JSON.stringify(role.jumpPorts) !== "[22]") b.push([["paved", "bastion", "jumpPorts"], role.jumpPorts]);
  } else if (sshFrom.length) {
    b.push([["paved", "baseline", "ssh", "allowFrom"], sshFrom]);
  }
  if (on.logging) {
    if (!role.logging) throw configError(`host ${name} ships logs but roles.${host.role}.logging is not set`, `Add roles.${host.role}.logging.sink.url to paved.yaml, or set hosts.${name}.modules.logging: false.`);
    const { agent, sink } = role.logging;
    b.push([["paved", "logging"], attrs({ enable: true, agent, sink: attrs({ type: sink.type, url: sink.url, ...(Object.keys(sink.labels).length ? { labels: sink.labels } : {}) }) })]);
  }
  if (on.monitoring) {
    const m = role.monitoring ?? { allowFrom: [], port: 9100 };
    b.push([["paved", "monitoring"], attrs({ enable: true, allowFrom: m.allowFrom, ...(m.port !== 9100 ? { port: m.port } : {}) })]);
  }
  if (role.autoUpgrade) {
    const u = role.autoUpgrade;
    b.push([["paved", "baseline", "autoUpgrade"], attrs({ enable: true, flake: u.flake, dates: u.dates, allowReboot: u.allowReboot })]);
  }
  if (host.role === "cache") b.push(...cacheHostBindings(name, config));
  const hardware = `./${name}-hardware.nix`;
  const imports = call(sel(id("lib"), "optional"), call(sel(id("builtins"), "pathExists"), path(hardware)), path(hardware));
  const body = fn({ params: ["lib"], ellipsis: true }, attrs([[["imports"], imports], ...b]));
  const comment = [
    `# ${name}: role ${host.role}${host.address ? `, reached at ${host.address}` : ""}.`,
    `# Hardware and disks: put \`nixos-generate-config --show-hardware-config\` in hosts/${name}-hardware.nix.`,
    "# Options: docs/reference/options.md in paved. Change the role or modules in paved.yaml, not here.",
  ].join("\n");
  return { path: hostFile(name), content: `${comment}\n${renderNix(body)}`, source: "paved.yaml (hosts, roles)" };
}
