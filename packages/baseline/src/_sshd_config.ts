/**
 * sshd_config from evaluated `services.openssh` options, laid out the way NixOS's sshd.nix builds
 * /etc/ssh/sshd_config (nixos-26.05 and unstable): first the non-null `settings`, one `Key value` line each
 * in attribute-name order (bools as yes/no, Ciphers/KexAlgorithms/Macs joined with commas, user and group
 * lists with spaces), then `extraConfig`, whose first part NixOS generates itself (AddressFamily, Port,
 * ListenAddress, Subsystem, AuthorizedKeysFile, HostKey). Match blocks a module adds therefore come last.
 */
import { PavedError } from "@paved/core";

export type SshdSettingValue = string | number | boolean | string[] | null;

/** The `services.openssh` values the file is made from, as `nix eval --json` prints them. */
export interface OpensshOptions {
  settings: Record<string, SshdSettingValue>;
  /** Includes the part sshd.nix generates itself (Port, ListenAddress, AuthorizedKeysFile, HostKey, …). */
  extraConfig: string;
}

// From sshd.nix's settingsFormat: OpenSSH wants some lists comma-separated and others space-separated.
const COMMA_SEPARATED = new Set(["Ciphers", "KexAlgorithms", "Macs"]);
const SPACE_SEPARATED = new Set([
  "AuthorizedKeysFile",
  "AllowGroups",
  "AllowUsers",
  "DenyGroups",
  "DenyUsers",
  "AcceptEnv",
]);

function settingValue(key: string, value: Exclude<SshdSettingValue, null>): string {
  if (Array.isArray(value)) {
    if (COMMA_SEPARATED.has(key)) return value.join(",");
    if (SPACE_SEPARATED.has(key)) return value.join(" ");
    // NixOS throws here too ("list value for unknown key"), so such a config would not build.
    throw new PavedError(
      "E_SSHD_CONFIG",
      `services.openssh.settings.${key} is a list, which NixOS cannot write for this key`,
      {
        hint: `Give ${key} as one string (comma- or space-separated, as sshd_config(5) says).`,
        details: { key },
      },
    );
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new PavedError("E_SSHD_CONFIG", `services.openssh.settings.${key} is a float, which NixOS cannot write`, {
        hint: "Use an integer or a string.",
        details: { key },
      });
    }
    return String(value);
  }
  return value;
}

/** The `Key value` lines NixOS writes from `settings` (null values are left out). */
export function renderSshdSettings(settings: Record<string, SshdSettingValue>): string {
  // Nix lists attribute names sorted by their bytes, not by locale.
  const keys = Object.keys(settings).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys
    .filter((key) => settings[key] !== null && settings[key] !== undefined)
    .map((key) => `${key} ${settingValue(key, settings[key] as Exclude<SshdSettingValue, null>)}\n`)
    .join("");
}

/**
 * The whole sshd_config NixOS writes for these options: settings, then extraConfig, as sshd.nix's
 * `cat settings - <<EOL ... EOL` does (so a trailing newline follows extraConfig).
 */
export function renderSshdConfig(options: OpensshOptions): string {
  return `${renderSshdSettings(options.settings)}${options.extraConfig}\n`;
}
