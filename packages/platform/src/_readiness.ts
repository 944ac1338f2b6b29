/**
 * What a host still needs before its first deploy, read from paved.yaml and the repository: a filled-in hardware
 * file, SSH sources for its role, an administrator on the roster. `host add` and `runner add` print it; status
 * reports the hardware part for every host.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { hardwareFile, hardwareState, hostModules, type HardwareState, type PavedConfig } from "@paved/core";

export interface HostReadiness {
  host: string;
  hardware: HardwareState;
  /** One line per thing to do, each with the command or file that does it. */
  needed: string[];
}

export async function readHardware(root: string, name: string): Promise<HardwareState> {
  return hardwareState(await readFile(join(root, hardwareFile(name)), "utf8").catch(() => undefined));
}

export async function hostReadiness(root: string, name: string, config: PavedConfig): Promise<HostReadiness> {
  const host = config.hosts[name];
  if (!host) return { host: name, hardware: "missing", needed: [`${name} is not in paved.yaml`] };
  const needed: string[] = [];
  const hardware = await readHardware(root, name);
  if (hardware !== "present") {
    needed.push(
      `${hardwareFile(name)} is ${hardware}: put the output of \`nixos-generate-config --show-hardware-config\` (run on the machine) there`,
    );
  }
  const role = config.roles[host.role];
  if ((role?.sshAllowFrom ?? []).length === 0) {
    needed.push(
      `roles.${host.role}.sshAllowFrom is empty: SSH is open to any source the firewall lets through; list your networks (CIDR) in paved.yaml`,
    );
  }
  const admins = Object.values(config.team?.users ?? {}).filter((u) => u.groups.includes("wheel"));
  if (hostModules(host, config).baseline && admins.length === 0) {
    needed.push(
      "nobody on the roster is in wheel, so nobody could administer the host: `paved team add NAME --key FILE.pub --groups wheel`",
    );
  }
  if (host.address === undefined)
    needed.push(`hosts.${name}.address is not set: paved will reach the host as \`${name}\` over SSH`);
  return { host: name, hardware, needed };
}
