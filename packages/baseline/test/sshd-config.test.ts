// sshd_config text from services.openssh values, formatted as NixOS's sshd.nix formats them.
import { describe, expect, it } from "vitest";
import { isPavedError } from "@paved/core";
import { renderSshdConfig, renderSshdSettings } from "@paved/baseline";

describe("renderSshdSettings", () => {
  it("writes Key value lines in Nix's attribute order, bools as yes/no, lists joined the way OpenSSH wants", () => {
    const text = renderSshdSettings({
      X11Forwarding: false,
      PermitRootLogin: "no",
      Macs: ["hmac-sha2-512-etm@openssh.com", "umac-128-etm@openssh.com"],
      AllowUsers: ["*@10.0.0.0/8", "*@fd00::/8"],
      MaxAuthTries: 3,
      UsePAM: true,
      Banner: null,
      AuthorizedPrincipalsFile: "none",
    });
    expect(text).toBe(
      [
        "AllowUsers *@10.0.0.0/8 *@fd00::/8",
        "AuthorizedPrincipalsFile none",
        "Macs hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com",
        "MaxAuthTries 3",
        "PermitRootLogin no",
        "UsePAM yes",
        "X11Forwarding no",
        "",
      ].join("\n"),
    );
  });

  it("sorts by bytes like Nix, so upper-case keys come before lower-case", () => {
    expect(renderSshdSettings({ b: "1", B: "2", a: "3" })).toBe("B 2\na 3\nb 1\n");
  });

  it("refuses a list for a key NixOS cannot write as a list, as NixOS does", () => {
    try {
      renderSshdSettings({ HostKeyAlgorithms: ["ssh-ed25519"] });
      throw new Error("expected an error");
    } catch (error) {
      expect(isPavedError(error, "E_SSHD_CONFIG")).toBe(true);
      expect((error as Error).message).toContain("HostKeyAlgorithms is a list");
    }
  });

  it("puts extraConfig (with its Match blocks) after the settings", () => {
    const text = renderSshdConfig({
      settings: { LogLevel: "VERBOSE" },
      extraConfig: "Port 22\nMatch User jo\n  PermitTTY no\n",
    });
    expect(text).toBe("LogLevel VERBOSE\nPort 22\nMatch User jo\n  PermitTTY no\n\n");
  });
});
