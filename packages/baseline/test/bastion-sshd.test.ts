// The centrepiece: the bastion module evaluated by real Nix (fixture nixpkgs), its sshd options written as
// an sshd_config the way NixOS writes it, and that file run by the real OpenSSH sshd on 127.0.0.1.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "@paved/fixtures";
import {
  makeKey,
  opensshVersion,
  SSHD,
  sshArgs,
  sshdTest,
  startSshd,
  type KeyPair,
  type Sshd,
} from "../../../fixtures/ssh.ts";
import { renderSshdConfig, type OpensshOptions } from "@paved/baseline";
import { addUser, buildHost, evalHost, q, removeCreatedUsers, run } from "./_host.ts";

interface Evaluated {
  openssh: OpensshOptions;
  users: Record<string, { keys: string[]; shell: string; expires: string | null; extraGroups: string[] }>;
  toplevel: string;
}

// The version of the sshd this test runs, so the module picks algorithms that sshd knows (ML-KEM needs 9.9).
const hostSshdVersion = opensshVersion;

// Outside /tmp: StrictModes (on in NixOS) refuses key files below a world-writable directory.
let work = "";
let keysDir = "";

// Unique per run: other checkouts on this machine may run this test at the same time, with their own users.
const run_id = randomBytes(3).toString("hex");
const U = { admin: `pva-${run_id}`, jumper: `pvj-${run_id}`, gone: `pvx-${run_id}` };

/** The bastion as a NixOS host would run it; the test only moves machine-local paths and ports. */
function bastionModules(
  port: number,
  opts: { allowFrom: string[]; jumpPorts: number[]; keys: Record<string, KeyPair> },
): string[] {
  const { keys } = opts;
  return [
    "paved.bastion",
    `{ lib, pkgs, ... }: {
      services.openssh.package = pkgs.openssh // { version = ${q(hostSshdVersion())}; };
      services.openssh.ports = [ ${port} ];
      services.openssh.listenAddresses = [ { addr = "127.0.0.1"; } ];
      services.openssh.hostKeys = [ ];
      services.openssh.authorizedKeysFiles = lib.mkForce [ ${q(`${keysDir}/%u`)} ];
      paved.team.jumpOnlyShell = "/usr/sbin/nologin";
      paved.bastion.allowFrom = [ ${opts.allowFrom.map(q).join(" ")} ];
      paved.bastion.jumpPorts = [ ${opts.jumpPorts.join(" ")} ];
      paved.team = {
        groups = [ "ops" ];
        users.${U.admin} = { keys = [ ${q(keys.admin!.line)} ]; groups = [ "wheel" "ops" ]; };
        users.${U.jumper} = { keys = [ ${q(keys.jumper!.line)} ]; jumpOnly = true; };
        users.${U.gone} = { keys = [ ${q(keys.gone!.line)} ]; expires = "2020-01-31"; };
      };
    }`,
  ];
}

const SELECT = `s: {
  openssh = { inherit (s.config.services.openssh) settings extraConfig; };
  users = builtins.mapAttrs (n: u: { keys = u.openssh.authorizedKeys.keys; inherit (u) shell expires extraGroups; })
    (lib.filterAttrs (n: u: u.isNormalUser) s.config.users.users);
  toplevel = s.config.system.build.toplevel.drvPath;
}`;

async function bastionConfig(port: number, opts: Parameters<typeof bastionModules>[1], name: string) {
  const modules = bastionModules(port, opts);
  const evaluated = await evalHost<Evaluated>(modules, SELECT);
  // The module stores the banner with writeText and points settings.Banner at it; build that file so sshd can read it.
  const banner = await buildHost(modules, `s: s.pkgs.writeText "paved-ssh-banner" s.config.paved.bastion.banner`);
  const text = renderSshdConfig(evaluated.openssh);
  const file = join(work, `${name}.sshd_config`);
  writeFileSync(file, text);
  return { evaluated, text, file, banner: banner[0] };
}

function writeAuthorizedKeys(users: Evaluated["users"], extra: Record<string, string[]> = {}): void {
  mkdirSync(keysDir, { recursive: true, mode: 0o755 });
  for (const [name, keys] of Object.entries({
    ...Object.fromEntries(Object.entries(users).map(([n, u]) => [n, u.keys])),
    ...extra,
  })) {
    writeFileSync(join(keysDir, name), `${keys.join("\n")}\n`, { mode: 0o644 });
  }
}

describe("bastion module on a real sshd", () => {
  const keys: Record<string, KeyPair> = {};
  let bastion: Sshd;
  let target: Sshd;
  let config: Awaited<ReturnType<typeof bastionConfig>>;
  let clientConfig: string;

  beforeAll(async () => {
    work = mkdtempSync("/run/paved-bastion-test-");
    chmodSync(work, 0o755);
    keysDir = join(work, "authorized_keys.d");
    for (const tool of ["nix", "ssh", "ssh-keygen", "ssh-audit", "useradd", "userdel"]) requireTool(tool);
    requireTool("sshd") || requireTool("/usr/sbin/sshd");
    for (const name of ["admin", "jumper", "gone", "stranger"]) keys[name] = await makeKey(name, work);
    target = await startSshd({ authorizedKeys: [keys.admin!.line, keys.jumper!.line] });
    const { freePort } = await import("../../../fixtures/ssh.ts");
    const port = await freePort();
    config = await bastionConfig(port, { allowFrom: ["127.0.0.0/8"], jumpPorts: [22, target.port], keys }, "bastion");
    for (const [name, user] of Object.entries(config.evaluated.users))
      addUser(name, user.shell.startsWith("/usr/sbin") ? user.shell : "/bin/sh", user.expires);
    // root holds a valid key too: the refusal below must come from the config, not from a missing key.
    writeAuthorizedKeys(config.evaluated.users, { root: [keys.admin!.line] });
    bastion = await startSshd({ config: config.text, port });
    clientConfig = join(work, "ssh_config");
    const hostBlock = (alias: string, server: Sshd, user: string, key: KeyPair) =>
      [
        `Host ${alias}`,
        "  HostName 127.0.0.1",
        `  Port ${server.port}`,
        `  User ${user}`,
        `  IdentityFile ${key.privateKey}`,
        "  IdentitiesOnly yes",
        `  UserKnownHostsFile ${server.knownHosts}`,
        "  StrictHostKeyChecking yes",
        "  BatchMode yes",
        "  ConnectTimeout 5",
        "  ControlMaster no",
      ].join("\n");
    writeFileSync(
      clientConfig,
      `${[
        hostBlock("bastion-admin", bastion, U.admin, keys.admin!),
        hostBlock("bastion-jumper", bastion, U.jumper, keys.jumper!),
        hostBlock("target-admin", target, "root", keys.admin!),
        hostBlock("target-jumper", target, "root", keys.jumper!),
        // the bastion's own sshd port is not in jumpPorts
        hostBlock("bastion-itself", bastion, U.admin, keys.admin!),
      ].join("\n\n")}\n`,
    );
  });

  afterAll(async () => {
    await bastion?.stop();
    await target?.stop();
    removeCreatedUsers();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("evaluates with every assertion passing and writes the settings NixOS would", () => {
    expect(config.evaluated.toplevel).toMatch(/^\/nix\/store\/.*nixos-system-.*\.drv$/);
    expect(config.text).toMatch(/^PermitRootLogin no$/m);
    expect(config.text).toMatch(/^PasswordAuthentication no$/m);
    expect(config.text).toMatch(/^KbdInteractiveAuthentication no$/m);
    expect(config.text).toMatch(/^LogLevel VERBOSE$/m);
    expect(config.text).toMatch(/^AllowTcpForwarding local$/m);
    expect(config.text).toMatch(/^AllowAgentForwarding no$/m);
    expect(config.text).toMatch(/^X11Forwarding no$/m);
    expect(config.text).toMatch(/^Macs hmac-sha2-512-etm@openssh\.com,/m);
    expect(config.text).toMatch(/^AllowUsers \*@127\.0\.0\.0\/8$/m);
    expect(config.text).toMatch(new RegExp(`^Match User ${U.jumper}\\n  PermitTTY no`, "m"));
    // Match must be the last block, or it would swallow the global settings after it.
    expect(config.text.indexOf("Match User")).toBeGreaterThan(config.text.indexOf("HostKeyAlgorithms"));
    expect(config.evaluated.users[U.jumper]!.shell).toBe("/usr/sbin/nologin");
    // The banner sshd reads is the file NixOS built for it.
    expect(config.text).toContain(`Banner ${config.banner}`);
    expect(readFileSync(config.banner!, "utf8")).toContain("Authorised access only");
  });

  it("writes the same sshd_config on nixos-unstable, so what is proven here holds there too", async () => {
    const unstable = await evalHost<Evaluated>(
      bastionModules(bastion.port, { allowFrom: ["127.0.0.0/8"], jumpPorts: [22, target.port], keys }),
      SELECT,
      "unstable",
    );
    expect(renderSshdConfig(unstable.openssh)).toBe(config.text);
  });

  it("sshd -t accepts the config, and sshd -T shows the effective settings (as NixOS's build-time check runs it)", () => {
    expect(sshdTest(config.file)).toBe("");
    expect(sshdTest(bastion.configFile)).toBe("");
    const effective = (spec: string) =>
      execFileSync(SSHD, ["-T", "-C", spec, "-f", bastion.configFile], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    const admin = effective(`lport=${bastion.port},laddr=127.0.0.1,user=${U.admin},addr=127.0.0.1,host=localhost`);
    for (const line of [
      "permitrootlogin no",
      "passwordauthentication no",
      "kbdinteractiveauthentication no",
      "authenticationmethods publickey",
      "allowtcpforwarding local",
      "allowagentforwarding no",
      "x11forwarding no",
      "permittunnel no",
      "loglevel VERBOSE",
      "permittty yes",
    ]) {
      expect(admin.split("\n")).toContain(line);
    }
    const jumper = effective(`lport=${bastion.port},laddr=127.0.0.1,user=${U.jumper},addr=127.0.0.1,host=localhost`);
    expect(jumper.split("\n")).toContain("permittty no");
    expect(jumper.split("\n")).toContain("forcecommand /usr/sbin/nologin");
  });

  it("ssh-audit reports no failures", async () => {
    const audit = await run(["ssh-audit", "-n", "-p", String(bastion.port), "127.0.0.1"]);
    // It really talked to this sshd: the algorithms we chose are in its report.
    expect(audit.stdout).toContain("curve25519-sha256");
    expect(audit.stdout).toContain("chacha20-poly1305@openssh.com");
    expect(audit.stdout).not.toMatch(/\[fail\]/);
    // ssh-audit 2.5 exit codes: 0 good, 2 warnings only, 3 failures, 1 connection error. Warnings remain
    // for sntrup761 ("experimental") and Debian's kex-strict marker ("unknown"); neither is a failure.
    expect([0, 2]).toContain(audit.code);
  });

  it("a roster user's key logs in", async () => {
    const login = await run([...sshArgs(bastion, keys.admin!.privateKey, U.admin), "id", "-un"]);
    expect(login.stderr).not.toContain("Permission denied");
    expect(login.stdout.trim()).toBe(U.admin);
    expect(bastion.log()).toMatch(new RegExp(`Accepted publickey for ${U.admin} .*ED25519 SHA256:`));
  });

  it("refuses a key that is not on the roster", async () => {
    const login = await run([...sshArgs(bastion, keys.stranger!.privateKey, U.admin), "id", "-un"]);
    expect(login.code).toBe(255);
    expect(login.stdout).toBe("");
    expect(login.stderr).toContain("Permission denied");
  });

  it("offers no password or keyboard-interactive authentication", async () => {
    const args = sshArgs(bastion, keys.stranger!.privateKey, U.admin);
    const target = args.pop()!;
    const login = await run([
      ...args,
      "-o",
      "PubkeyAuthentication=no",
      "-o",
      "PreferredAuthentications=password,keyboard-interactive",
      target,
      "id",
    ]);
    expect(login.code).toBe(255);
    // The server's list of methods that can continue: publickey only.
    expect(login.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it("refuses root even with a valid key", async () => {
    const login = await run([...sshArgs(bastion, keys.admin!.privateKey, "root"), "id", "-un"]);
    expect(login.code).toBe(255);
    expect(login.stdout).toBe("");
    expect(login.stderr).toContain("Permission denied");
    expect(bastion.log()).toContain("ROOT LOGIN REFUSED");
  });

  it("refuses a roster user whose access expired", async () => {
    const login = await run([...sshArgs(bastion, keys.gone!.privateKey, U.gone), "id", "-un"]);
    expect(login.code).toBe(255);
    expect(login.stdout).toBe("");
    // The key was right; the account's expiry date (users.users.<name>.expires) refused it.
    expect(bastion.log()).toMatch(
      new RegExp(`Access denied for user ${U.gone} by PAM account configuration|account has expired`),
    );
  });

  it("ssh -J through the bastion reaches a second sshd", async () => {
    const jump = await run([
      "ssh",
      "-F",
      clientConfig,
      "-J",
      "bastion-admin",
      "target-admin",
      "echo",
      "reached-target",
    ]);
    expect(jump.stderr).not.toContain("denied");
    expect(jump.stdout.trim()).toBe("reached-target");
    expect(bastion.log()).toMatch(new RegExp(`Accepted publickey for ${U.admin}`));
  });

  it("a jump-only user can jump but gets no shell on the bastion", async () => {
    const jump = await run(["ssh", "-F", clientConfig, "-J", "bastion-jumper", "target-jumper", "echo", "via-jumper"]);
    expect(jump.stdout.trim()).toBe("via-jumper");
    const shell = await run(["ssh", "-F", clientConfig, "bastion-jumper", "echo", "got-a-shell"]);
    expect(shell.stdout).not.toContain("got-a-shell");
    expect(shell.code).not.toBe(0);
  });

  it("refuses to forward to a port that is not a jump port", async () => {
    const jump = await run([
      "ssh",
      "-F",
      clientConfig,
      "-J",
      "bastion-admin",
      "bastion-itself",
      "echo",
      "should-not-reach",
    ]);
    expect(jump.stdout).not.toContain("should-not-reach");
    expect(jump.stderr).toMatch(/administratively prohibited|open failed/);
  });

  it("refuses logins from outside allowFrom (sshd enforces it, not only the firewall)", async () => {
    const { freePort } = await import("../../../fixtures/ssh.ts");
    const port = await freePort();
    const closed = await bastionConfig(port, { allowFrom: ["10.0.0.0/8"], jumpPorts: [22], keys }, "closed");
    expect(closed.text).toMatch(/^AllowUsers \*@10\.0\.0\.0\/8$/m);
    const server = await startSshd({ config: closed.text, port });
    try {
      const login = await run([...sshArgs(server, keys.admin!.privateKey, U.admin), "id", "-un"]);
      expect(login.code).toBe(255);
      expect(login.stdout).toBe("");
      expect(server.log()).toMatch(/not allowed because not listed in AllowUsers/);
    } finally {
      await server.stop();
    }
  });
});
