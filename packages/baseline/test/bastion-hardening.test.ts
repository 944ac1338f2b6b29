// A bastion's hardening cannot be switched off by accident, and sessions are recorded with tlog where the
// release has programs.tlog (issue 15). Real `nix eval` of paved's modules with the fixture nixpkgs.
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool, type FixtureRelease } from "@paved/fixtures";
import { evalError, evalHost } from "./_host.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtGnh5ruwn7K2y8pMkbJXnAo2ZTFCeF5BD8wBX7fR4H alice@laptop";
const BASTION = `{ paved.bastion.enable = true; paved.bastion.allowFrom = [ "10.0.0.0/8" ];
  paved.team = { users.alice = { keys = [ "${KEY}" ]; groups = [ "wheel" ]; }; users.jo = { keys = [ "${KEY}" ]; jumpOnly = true; }; }; }`;
const TOPLEVEL = "s: s.config.system.build.toplevel.drvPath";

beforeAll(() => {
  requireTool("nix");
});

describe.each(["26.05", "unstable"] as FixtureRelease[])("bastion on nixos-%s", (release) => {
  it("paved.baseline.ssh.enable = false is an evaluation error that says why and what to do", async () => {
    const error = await evalError(
      ["paved.bastion", BASTION, "{ paved.baseline.ssh.enable = false; }"],
      TOPLEVEL,
      release,
    );
    expect(error).toContain("paved.bastion: paved.baseline.ssh.enable is false, but a bastion is its SSH server");
    expect(error).toContain("set paved.bastion.enable = false if this host is no longer a bastion");
  });

  it("services.openssh.enable = false is an evaluation error too", async () => {
    const error = await evalError(
      ["paved.bastion", BASTION, "{ services.openssh.enable = false; }"],
      TOPLEVEL,
      release,
    );
    expect(error).toContain("paved.bastion: services.openssh.enable is false, so the bastion runs no sshd");
  });

  it("the same settings on a host that is not a bastion evaluate (the assertion is the bastion's, not the baseline's)", async () => {
    const error = await evalError(
      [
        "paved.baseline",
        `{ paved.baseline.enable = true; paved.baseline.ssh.enable = false; paved.team.users.alice = { keys = [ "${KEY}" ]; groups = [ "wheel" ]; }; }`,
      ],
      TOPLEVEL,
      release,
    );
    expect(error).toBe("");
  });

  interface Recording {
    hasTlog: boolean;
    tlog: boolean;
    shells: Record<string, string>;
    ttyAudit: { sshd: boolean; sudo: boolean };
    toplevel: string;
  }
  const SELECT = `s: let c = s.config; in {
    hasTlog = s.options ? programs && s.options.programs ? tlog;
    tlog = if s.options ? programs && s.options.programs ? tlog then c.programs.tlog.enable else false;
    shells = builtins.mapAttrs (n: u: toString u.shell) (lib.filterAttrs (n: u: u.isNormalUser) c.users.users);
    ttyAudit = { sshd = c.security.pam.services.sshd.ttyAudit.enable or false; sudo = c.security.pam.services.sudo.ttyAudit.enable or false; };
    toplevel = c.system.build.toplevel.drvPath;
  }`;

  it(
    release === "unstable"
      ? "records sessions with tlog: roster users with a shell log in through tlog-rec-session"
      : "has no programs.tlog: sessions are recorded with pam_tty_audit",
    async () => {
      const r = await evalHost<Recording>(["paved.bastion", BASTION], SELECT, release);
      expect(r.toplevel).toMatch(/\.drv$/);
      expect(r.ttyAudit).toEqual({ sshd: true, sudo: true });
      expect(r.hasTlog).toBe(release === "unstable");
      expect(r.tlog).toBe(release === "unstable");
      if (release === "unstable") expect(r.shells.alice).toBe("/run/wrappers/bin/tlog-rec-session");
      else expect(r.shells.alice).not.toContain("tlog");
      // A jump-only user has no shell to record: it keeps the shell that refuses interactive logins.
      expect(r.shells.jo).not.toContain("tlog");
    },
  );

  it("sessionRecording.enable = false turns both layers off, and a host's own shell for a user wins", async () => {
    const off = await evalHost<Recording>(
      ["paved.bastion", BASTION, "{ paved.bastion.sessionRecording.enable = false; }"],
      SELECT,
      release,
    );
    expect(off.tlog).toBe(false);
    expect(off.ttyAudit).toEqual({ sshd: false, sudo: false });
    expect(off.shells.alice).not.toContain("tlog");
    const own = await evalHost<Recording>(
      ["paved.bastion", BASTION, `{ users.users.alice.shell = "/run/current-system/sw/bin/zsh"; }`],
      SELECT,
      release,
    );
    expect(own.shells.alice).toBe("/run/current-system/sw/bin/zsh");
  });
});
