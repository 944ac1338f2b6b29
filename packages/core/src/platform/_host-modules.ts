/**
 * The paved.* options every host gets from its role, whatever renders the rest of its file: the release it was
 * installed with, the baseline, SSH sources, logging, monitoring and automatic upgrades. Bastion/staging/internal
 * hosts (baseline) and CI runner hosts (ci-runner) both take them from here, so a role's `modules:` means the
 * same on every role. Option names follow packages/baseline/nix (paved.baseline, paved.logging,
 * paved.monitoring) and NixOS' system.stateVersion (nixos/modules/misc/version.nix, 26.05 and unstable).
 */
import { PavedError } from "../errors.ts";
import { CURRENT_STABLE_RELEASE } from "../config/sections/nixpkgs.ts";
import type { RoleDefaults } from "../config/sections/roles.ts";
import { attrs, type NixValue } from "../render/index.ts";

export interface HostModules {
  baseline: boolean;
  bastion: boolean;
  logging: boolean;
  monitoring: boolean;
}

/** The parts of a host and of paved.yaml these bindings read (structural, so step packages pass their own types). */
export interface HostModuleInput {
  role: string;
  stateVersion?: string | undefined;
  modules?:
    | { baseline?: boolean | undefined; logging?: boolean | undefined; monitoring?: boolean | undefined }
    | undefined;
}

export interface RolesInput {
  roles?: Partial<Record<string, Partial<RoleDefaults>>> | undefined;
  nixpkgs?: { release: string } | undefined;
}

/** Which paved modules a host runs: its role's defaults, overridden by the host. */
export function hostModules(host: HostModuleInput, config: RolesInput): HostModules {
  const role: Partial<RoleDefaults> = config.roles?.[host.role] ?? {};
  const defaults = role.modules ?? { baseline: true, logging: false, monitoring: false };
  return {
    baseline: host.modules?.baseline ?? defaults.baseline,
    bastion: host.role === "bastion",
    logging: host.modules?.logging ?? defaults.logging,
    monitoring: host.modules?.monitoring ?? defaults.monitoring,
  };
}

const RELEASE = /([0-9]{2}\.(05|11))/;

/** "nixos-26.05" → "26.05"; unstable counts as the current stable release. */
export function stateVersionFor(config: RolesInput): string {
  return RELEASE.exec(config.nixpkgs?.release ?? "")?.[1] ?? RELEASE.exec(CURRENT_STABLE_RELEASE)![1]!;
}

function configError(message: string, hint: string): PavedError {
  return new PavedError("E_CONFIG_INVALID", message, { hint });
}

/** [option path, value] pairs for hosts/NAME.nix. Throws when the role asks for logging without a sink. */
export function hostModuleBindings(name: string, host: HostModuleInput, config: RolesInput): [string[], NixValue][] {
  const role: Partial<RoleDefaults> = config.roles?.[host.role] ?? {};
  const on = hostModules(host, config);
  const b: [string[], NixValue][] = [
    // The release the host was first installed with: NixOS keys state formats on it, so upgrades must not move it.
    // Always explicit: without it NixOS warns and silently takes the release's default.
    [["system", "stateVersion"], host.stateVersion ?? stateVersionFor(config)],
    [["paved", "baseline", "enable"], on.baseline],
  ];
  const sshFrom = role.sshAllowFrom ?? [];
  if (on.bastion) {
    b.push([["paved", "bastion", "enable"], true]);
    b.push([["paved", "bastion", "allowFrom"], sshFrom]);
    if (role.jumpPorts && JSON.stringify(role.jumpPorts) !== "[22]")
      b.push([["paved", "bastion", "jumpPorts"], role.jumpPorts]);
  } else if (sshFrom.length) {
    b.push([["paved", "baseline", "ssh", "allowFrom"], sshFrom]);
  }
  if (on.logging) {
    if (!role.logging)
      throw configError(
        `host ${name} ships logs but roles.${host.role}.logging is not set`,
        `Add roles.${host.role}.logging.sink.url to paved.yaml, or set hosts.${name}.modules.logging: false.`,
      );
    const { agent, sink } = role.logging;
    b.push([
      ["paved", "logging"],
      attrs({
        enable: true,
        agent,
        sink: attrs({
          type: sink.type,
          url: sink.url,
          ...(Object.keys(sink.labels).length ? { labels: sink.labels } : {}),
        }),
      }),
    ]);
  }
  if (on.monitoring) {
    const m = role.monitoring ?? { allowFrom: [], port: 9100 };
    b.push([
      ["paved", "monitoring"],
      attrs({ enable: true, allowFrom: m.allowFrom, ...(m.port !== 9100 ? { port: m.port } : {}) }),
    ]);
  }
  if (role.autoUpgrade) {
    const u = role.autoUpgrade;
    b.push([
      ["paved", "baseline", "autoUpgrade"],
      attrs({ enable: true, flake: u.flake, dates: u.dates, allowReboot: u.allowReboot }),
    ]);
  }
  return b;
}
