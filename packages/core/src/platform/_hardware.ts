/**
 * hosts/NAME-hardware.nix: the machine's own part of a host (disks, boot loader, kernel modules), written once as
 * a starter and then owned by people. A host cannot be deployed until it holds the real thing, so status and
 * `host add`/`runner add` tell a missing file and an empty one (the starter, or anything without file systems)
 * from a filled-in one.
 */
export function hardwareFile(name: string): string {
  return `hosts/${name}-hardware.nix`;
}

/** A starter that evaluates and says what to put there before the first deploy. */
export function renderHardwareStarter(name: string): string {
  return [
    `# Hardware of ${name}: replace this with the output of \`nixos-generate-config --show-hardware-config\``,
    "# on the machine (disks, boot loader, kernel modules). Until it declares fileSystems the host cannot boot,",
    "# and the platform's status reports the file as empty. This file is the team's: it is never overwritten.",
    "{ ... }:",
    "{",
    "}",
    "",
  ].join("\n");
}

export type HardwareState = "missing" | "empty" | "present";

/** Empty: no `fileSystems` outside comments (nixos-generate-config always writes the root file system). */
export function hardwareState(text: string | undefined): HardwareState {
  if (text === undefined) return "missing";
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/#.*$/gm, "");
  return /\bfileSystems\b/.test(code) ? "present" : "empty";
}
