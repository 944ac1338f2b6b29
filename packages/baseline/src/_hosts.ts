/**
 * hosts/NAME.nix for the roles this package owns (bastion, staging, internal): the host's name and the paved.*
 * options its role and paved.yaml call for. The platform flake (core, platform/) imports paved's modules with
 * only the baseline on, the roster, and this file.
 */
import {
  attrs,
  call,
  fn,
  hostFile,
  hostModuleBindings,
  id,
  path,
  PavedError,
  renderNix,
  sel,
  type GeneratedFile,
  type HostConfig,
  type NixValue,
  type PavedConfig,
} from "@paved/core";

export const ROLE_HOST_ROLES = ["bastion", "staging", "internal", "cache"] as const;
export type RoleHostRole = (typeof ROLE_HOST_ROLES)[number];

export { hostModules, stateVersionFor, type HostModules } from "@paved/core";

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
    throw configError(
      `host ${name} has role cache but paved.yaml's cache does not name it`,
      `Set cache: { kind: harmonia, host: ${name}, publicKey: …, signingKeyFile: … } in paved.yaml, or give ${name} another role.`,
    );
  }
  const settings: Record<string, NixValue> = { bind: `[::]:${cache.port}` };
  if (cache.priority !== undefined) settings.priority = cache.priority;
  return [
    [
      ["services", "harmonia", "cache"],
      attrs({ enable: true, signKeyPaths: [cache.signingKeyFile!], settings: attrs(settings) }),
    ],
    [["networking", "firewall", "allowedTCPPorts"], [cache.port]],
  ];
}

export function renderRoleHost(name: string, host: HostConfig, config: PavedConfig): GeneratedFile {
  if (!(ROLE_HOST_ROLES as readonly string[]).includes(host.role)) {
    throw new PavedError("E_INPUT", `host ${name} has role ${host.role}, which @paved/baseline does not render`, {
      hint: `Roles here: ${ROLE_HOST_ROLES.join(", ")}. CI runner hosts come from the ci-runner step.`,
    });
  }
  const b: [string[], NixValue][] = [[["networking", "hostName"], name], ...hostModuleBindings(name, host, config)];
  if (host.role === "cache") b.push(...cacheHostBindings(name, config));
  const hardware = `./${name}-hardware.nix`;
  const imports = call(
    sel(id("lib"), "optional"),
    call(sel(id("builtins"), "pathExists"), path(hardware)),
    path(hardware),
  );
  const body = fn({ params: ["lib"], ellipsis: true }, attrs([[["imports"], imports], ...b]));
  const comment = [
    `# ${name}: role ${host.role}${host.address ? `, reached at ${host.address}` : ""}.`,
    `# Hardware and disks: put \`nixos-generate-config --show-hardware-config\` in hosts/${name}-hardware.nix.`,
    "# Options: docs/reference/options.md in paved. Change the role or modules in paved.yaml, not here.",
  ].join("\n");
  return { path: hostFile(name), content: `${comment}\n${renderNix(body)}`, source: "paved.yaml (hosts, roles)" };
}
