// paved's NixOS modules under real `nix eval` with the fixture nixpkgs, on nixos-26.05 and unstable. The
// fixture's module system rejects options it does not declare, so a misspelt option fails here.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool, type FixtureRelease } from "@paved/fixtures";
import { evalError, evalHost } from "./_host.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtGnh5ruwn7K2y8pMkbJXnAo2ZTFCeF5BD8wBX7fR4H alice@laptop";
const TEAM = `{ paved.team = { groups = [ "ops" ]; users.alice = { keys = [ "${KEY}" ]; groups = [ "wheel" "ops" ]; };
  users.jo = { keys = [ "${KEY}" ]; jumpOnly = true; }; }; }`;
const ALL = `{ imports = [ paved.default ]; paved.bastion.enable = true; paved.bastion.allowFrom = [ "10.0.0.0/8" "2001:db8::/32" ];
  paved.logging = { enable = true; sink.url = "http://loki.internal:3100"; };
  paved.monitoring = { enable = true; listenAddress = "10.0.5.12"; allowFrom = [ "10.9.0.0/24" ]; };
  paved.baseline.timeSync.settings.PollIntervalMaxSec = 1024; }`;

beforeAll(() => {
  requireTool("nix");
});

describe.each(["26.05", "unstable"] as FixtureRelease[])("all modules on nixos-%s", (release) => {
  interface Result {
    toplevel: string;
    release: string;
    ssh: Record<string, unknown>;
    journal: { extraConfig?: string; storage?: string; settings?: Record<string, unknown> };
    time: { extraConfig?: string; settings?: Record<string, unknown> };
    users: Record<string, { extraGroups: string[]; shell: string }>;
    mutableUsers: boolean;
    sudo: { execWheelOnly: boolean; wheelNeedsPassword: boolean };
    nix: { allowed: string[]; trusted: string[]; gc: boolean; gcOptions: string };
    sysctl: Record<string, unknown>;
    firewall: { enable: boolean; extraCommands: string };
    opensshOpenFirewall: boolean;
    fail2ban: boolean;
    audit: { rules: string[]; auditd: boolean };
    ttyAudit: boolean;
    vector: {
      enable: boolean;
      journaldAccess: boolean;
      settings: { sources: Record<string, { type: string }>; sinks: Record<string, Record<string, unknown>> };
    };
    node: { enable: boolean; listenAddress: string; port: number; openFirewall: boolean };
    warnings: string[];
  }
  let r: Result;

  beforeAll(async () => {
    r = await evalHost<Result>(
      [ALL, TEAM],
      `s: let c = s.config; j = c.services.journald; t = c.services.timesyncd; in {
      toplevel = c.system.build.toplevel.drvPath;
      release = c.system.nixos.release;
      ssh = c.services.openssh.settings;
      journal = if s.options.services.journald ? settings then { settings = j.settings.Journal; } else { inherit (j) extraConfig storage; };
      time = if s.options.services.timesyncd ? settings then { settings = t.settings.Time; } else { inherit (t) extraConfig; };
      users = builtins.mapAttrs (n: u: { inherit (u) extraGroups shell; }) (lib.filterAttrs (n: u: u.isNormalUser) c.users.users);
      mutableUsers = c.users.mutableUsers;
      sudo = { inherit (c.security.sudo) execWheelOnly wheelNeedsPassword; };
      nix = { allowed = c.nix.settings.allowed-users; trusted = c.nix.settings.trusted-users; gc = c.nix.gc.automatic; gcOptions = c.nix.gc.options; };
      sysctl = c.boot.kernel.sysctl;
      firewall = { inherit (c.networking.firewall) enable extraCommands; };
      opensshOpenFirewall = c.services.openssh.openFirewall;
      fail2ban = c.services.fail2ban.enable;
      audit = { rules = c.security.audit.rules; auditd = c.security.auditd.enable; };
      ttyAudit = c.security.pam.services.sshd.ttyAudit.enable;
      vector = { inherit (c.services.vector) enable journaldAccess settings; };
      node = { inherit (c.services.prometheus.exporters.node) enable listenAddress port openFirewall; };
      warnings = c.warnings;
    }`,
      release,
    );
  });

  it("builds the system (every assertion holds, every option exists)", () => {
    expect(r.toplevel).toMatch(/nixos-system-nixos-.*\.drv$/);
    expect(r.release).toBe(release === "unstable" ? "26.11" : "26.05");
  });

  it("hardens sshd: keys only, no root, ssh-audit-clean algorithms", () => {
    expect(r.ssh).toMatchObject({
      PermitRootLogin: "no",
      PasswordAuthentication: false,
      KbdInteractiveAuthentication: false,
      AuthenticationMethods: "publickey",
      X11Forwarding: false,
      LogLevel: "VERBOSE",
    });
    expect(r.ssh.Macs).toEqual([
      "hmac-sha2-512-etm@openssh.com",
      "hmac-sha2-256-etm@openssh.com",
      "umac-128-etm@openssh.com",
    ]);
    // The fixture's openssh is 10.2p1, which knows ML-KEM: the post-quantum hybrid comes first.
    expect((r.ssh.KexAlgorithms as string[])[0]).toBe("mlkem768x25519-sha256");
    expect(r.ssh.KexAlgorithms).not.toContain("diffie-hellman-group14-sha1");
    expect(typeof r.ssh.HostKeyAlgorithms).toBe("string");
  });

  it("keeps the journal persistent and bounded, in the form this release takes", () => {
    if (release === "unstable") {
      expect(r.journal.settings).toMatchObject({
        Storage: "persistent",
        SystemMaxUse: "2G",
        MaxRetentionSec: "3month",
      });
      expect(r.time.settings).toEqual({ PollIntervalMaxSec: 1024 });
    } else {
      expect(r.journal.storage).toBe("persistent");
      expect(r.journal.extraConfig).toContain("SystemMaxUse=2G\n");
      expect(r.time.extraConfig).toBe("PollIntervalMaxSec=1024\n");
    }
  });

  it("sets users, sudo, nix daemon access and GC", () => {
    expect(r.mutableUsers).toBe(false);
    expect(r.users.alice!.extraGroups).toEqual(["wheel", "ops"]);
    expect(r.users.jo!.shell).toBe("/run/current-system/sw/bin/nologin");
    expect(r.sudo).toEqual({ execWheelOnly: true, wheelNeedsPassword: false });
    expect(r.nix).toEqual({
      allowed: ["root", "@wheel"],
      trusted: ["root"],
      gc: true,
      gcOptions: "--delete-older-than 30d",
    });
  });

  it("hardens the network stack without touching forwarding", () => {
    expect(r.sysctl["net.ipv4.conf.all.accept_redirects"]).toBe(0);
    expect(r.sysctl["net.ipv4.tcp_syncookies"]).toBe(1);
    expect(Object.keys(r.sysctl).filter((k) => /forward|rp_filter/.test(k))).toEqual([]);
  });

  it("opens SSH and the exporter only to the given networks", () => {
    expect(r.firewall.enable).toBe(true);
    expect(r.opensshOpenFirewall).toBe(false);
    expect(r.firewall.extraCommands).toContain("iptables -A nixos-fw -p tcp -s 10.0.0.0/8 --dport 22 ");
    expect(r.firewall.extraCommands).toContain("ip6tables -A nixos-fw -p tcp -s 2001:db8::/32 --dport 22 ");
    expect(r.firewall.extraCommands).toContain("-s 10.9.0.0/24 --dport 9100 ");
    expect(r.node).toEqual({ enable: true, listenAddress: "10.0.5.12", port: 9100, openFirewall: false });
  });

  it("runs fail2ban, auditd rules and TTY session auditing on the bastion", () => {
    expect(r.fail2ban).toBe(true);
    expect(r.audit.auditd).toBe(true);
    expect(r.audit.rules.some((rule) => rule.includes("-w /etc/shadow -p wa"))).toBe(true);
    expect(r.audit.rules.some((rule) => rule.includes("-S execve -F euid=0 -F auid>=1000"))).toBe(true);
    expect(r.ttyAudit).toBe(true);
    expect(r.warnings).toEqual([]);
  });

  it("ships the journal with Vector to Loki", () => {
    expect(r.vector.enable && r.vector.journaldAccess).toBe(true);
    expect(r.vector.settings.sources.paved_journal!.type).toBe("journald");
    expect(r.vector.settings.sinks.paved).toMatchObject({
      type: "loki",
      endpoint: "http://loki.internal:3100",
      inputs: ["paved_journal"],
    });
  });
});

describe("switches and overrides", () => {
  it("turns each baseline control off on its own", async () => {
    const controls = ["ssh", "firewall", "immutableUsers", "sudo", "nix", "sysctl", "journald", "timeSync", "gc"];
    // NixOS already defaults the firewall on, so "paved sets it" shows in the definition's priority.
    const probe = `o: c: {
      firewall = o.networking.firewall.enable.highestPrio < 1500;
      ssh = c.services.openssh.enable;
      immutableUsers = !c.users.mutableUsers; sudo = c.security.sudo.execWheelOnly; nix = c.nix.settings.trusted-users == [ "root" ] && c.nix.settings.allowed-users != [ "*" ];
      sysctl = c.boot.kernel.sysctl ? "net.ipv4.tcp_syncookies"; journald = lib.hasInfix "SystemMaxUse" c.services.journald.extraConfig;
      timeSync = c.services.timesyncd.enable; gc = c.nix.gc.automatic; }`;
    const result = await evalHost<Record<string, Record<string, boolean>>>(
      ["paved.baseline", TEAM, `{ boot.isContainer = true; }`],
      `s: let probe = ${probe}; in { all = probe s.options s.config; } // lib.genAttrs [ ${controls.map((c) => `"${c}"`).join(" ")} ] (name:
        let e = s.extendModules { modules = [ { paved.baseline.\${name}.enable = false; } ]; }; in probe e.options e.config)`,
    );
    // boot.isContainer turns timesyncd off by NixOS default, so the baseline's own switch is what enables it.
    expect(result.all).toEqual(Object.fromEntries(controls.map((c) => [c, true])));
    for (const control of controls) {
      const off = result[control]!;
      expect(off[control], `${control} off`).toBe(false);
      for (const other of controls.filter((c) => c !== control))
        expect(off[other], `${other} stays on when ${control} is off`).toBe(true);
    }
  });

  it("lets a host override any default without a conflict", async () => {
    const r = await evalHost<Record<string, unknown>>(
      [
        "paved.bastion",
        TEAM,
        `{ services.openssh.settings = { PermitRootLogin = "prohibit-password"; LogLevel = "INFO"; AllowTcpForwarding = "yes"; }; users.mutableUsers = true; }`,
      ],
      `s: { inherit (s.config.services.openssh.settings) PermitRootLogin LogLevel AllowTcpForwarding; mutable = s.config.users.mutableUsers; top = s.config.system.build.toplevel.drvPath; }`,
    );
    expect(r).toMatchObject({
      PermitRootLogin: "prohibit-password",
      LogLevel: "INFO",
      AllowTcpForwarding: "yes",
      mutable: true,
    });
  });

  it("uses nftables rules when the host runs nftables", async () => {
    const rules = await evalHost<string>(
      [
        "paved.bastion",
        "paved.monitoring",
        TEAM,
        `{ networking.nftables.enable = true; paved.bastion.allowFrom = [ "192.168.0.0/16" "fd00::/8" ]; paved.monitoring.allowFrom = [ "10.9.0.0/24" ]; }`,
      ],
      `s: s.config.networking.firewall.extraInputRules`,
    );
    expect(rules).toContain('ip saddr { 192.168.0.0/16 } tcp dport 22 accept comment "paved-ssh"');
    expect(rules).toContain("ip6 saddr { fd00::/8 } tcp dport 22 accept");
    expect(rules).toContain("ip saddr { 10.9.0.0/24 } tcp dport 9100 accept");
  });

  it("leaves out ML-KEM for an OpenSSH that does not know it", async () => {
    const kex = await evalHost<string[]>(
      ["paved.baseline", TEAM, `{ pkgs, ... }: { services.openssh.package = pkgs.openssh // { version = "9.2p1"; }; }`],
      `s: s.config.services.openssh.settings.KexAlgorithms`,
    );
    expect(kex).toEqual(["sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org"]);
  });

  it("creates jump-only users on bastions only", async () => {
    const users = await evalHost<string[]>(
      ["paved.baseline", TEAM],
      `s: builtins.attrNames (lib.filterAttrs (n: u: u.isNormalUser) s.config.users.users)`,
    );
    expect(users).toEqual(["alice"]);
  });
});

describe("mistakes fail evaluation", () => {
  it("a misspelt NixOS option", async () => {
    const error = await evalError(
      ["paved.baseline", TEAM, `{ services.openssh.setting.PermitRootLogin = "no"; }`],
      `s: s.config.system.build.toplevel.drvPath`,
    );
    expect(error).toContain("The option `services.openssh.setting' does not exist");
  });

  it("journald extraConfig on unstable, where it was removed (why the module checks the release)", async () => {
    const error = await evalError(
      ["paved.baseline", TEAM, `{ services.journald.extraConfig = "SystemMaxUse=1G"; }`],
      `s: s.config.system.build.toplevel.drvPath`,
      "unstable",
    );
    expect(error).toContain("services.journald.extraConfig");
  });

  it("a source network that is not a CIDR", async () => {
    const error = await evalError(
      ["paved.bastion", TEAM, `{ paved.bastion.allowFrom = [ "10.0.0.1" ]; }`],
      `s: s.config.paved.bastion.allowFrom`,
    );
    expect(error).toContain("paved.bastion.allowFrom");
    expect(error).toContain("CIDR");
  });

  it("a roster user in a group the roster does not define", async () => {
    const error = await evalError(
      [
        "paved.baseline",
        `{ paved.team.users.bob = { keys = [ "${KEY}" ]; groups = [ "dba" ]; }; paved.team.users.alice = { keys = [ "${KEY}" ]; groups = [ "wheel" ]; }; }`,
      ],
      `s: s.config.system.build.toplevel.drvPath`,
    );
    expect(error).toContain("paved.team.users.bob is in a group that paved.team.groups does not define (dba)");
  });

  it("a private key pasted as a public key", async () => {
    const pasted =
      "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\\n-----END OPENSSH PRIVATE KEY-----";
    const module = `{ paved.team.users.alice = { keys = [ "${KEY}" "${pasted}" ]; groups = [ "wheel" ]; }; }`;
    // paved itself never puts it on a command line (issue 15): the argv guard refuses before nix starts.
    const inline = await evalError(["paved.baseline", module], `s: s.config.system.build.toplevel.drvPath`);
    expect(inline).toMatch(/^the command line of nix \(argument \d+\): refused a private key/);
    // The module's own check, for configurations written by hand: read from a file, as a host's would be.
    const dir = await mkdtemp(join(tmpdir(), "paved-privkey-"));
    await writeFile(join(dir, "alice.nix"), module);
    const error = await evalError(
      ["paved.baseline", `import ${join(dir, "alice.nix")}`],
      `s: s.config.system.build.toplevel.drvPath`,
    );
    expect(error).toContain("paved.team.users.alice.keys: entry 2 is not an SSH public key line");
    // Neither the key nor any part of it is echoed.
    expect(error).not.toMatch(/PRIVATE KEY|b3BlbnNzaC1rZXkt/);
  });

  it("auto-upgrade without a flake, and Alloy with a non-Loki sink", async () => {
    const upgrade = await evalError(
      ["paved.baseline", TEAM, `{ paved.baseline.autoUpgrade.enable = true; }`],
      `s: s.config.system.build.toplevel.drvPath`,
    );
    expect(upgrade).toContain("paved.baseline.autoUpgrade.flake");
    const alloy = await evalError(
      ["paved.logging", `{ paved.logging = { agent = "alloy"; sink = { type = "http"; url = "https://logs"; }; }; }`],
      `s: s.config.system.build.toplevel.drvPath`,
    );
    expect(alloy).toContain("Alloy agent ships to Loki only");
  });
});

describe("the root flake", () => {
  it("exports the modules as nixosModules, and a host built from them evaluates", async () => {
    const { fileURLToPath } = await import("node:url");
    const { nixJson } = await import("@paved/core");
    const { fixtureNixpkgs, nixTestEnv } = await import("@paved/fixtures");
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const nixpkgs = await fixtureNixpkgs();
    const result = await nixJson<{ names: string[]; top: string; bastion: boolean }>(
      [
        "eval",
        "--impure",
        `git+file://${root}#nixosModules`,
        "--override-input",
        "nixpkgs",
        `path:${nixpkgs}`,
        "--apply",
        `ms: let lib = (builtins.getFlake "path:${nixpkgs}").lib; s = lib.nixosSystem { system = "x86_64-linux"; modules = [ ms.bastion ${TEAM}
          { fileSystems."/".device = "/dev/sda1"; boot.loader.grub.device = "/dev/sda"; } ]; };
          in { names = builtins.attrNames ms; top = s.config.system.build.toplevel.drvPath; bastion = s.config.paved.bastion.enable; }`,
      ],
      { env: nixTestEnv() as Record<string, string> },
    );
    expect(result.names).toEqual(
      expect.arrayContaining(["baseline", "bastion", "default", "logging", "monitoring", "team"]),
    );
    expect(result.bastion).toBe(true);
    expect(result.top).toMatch(/\.drv$/);
  });
});

describe("a hand-written roster", () => {
  it("cannot add keys to root or another system account", async () => {
    const error = await evalError(
      ["paved.baseline", TEAM, `{ paved.team.users.root = { keys = [ "${KEY}" ]; }; }`],
      `s: s.config.system.build.toplevel.drvPath`,
    );
    expect(error).toContain("paved.team.users.root: root is a system account, not a person");
  });
});
