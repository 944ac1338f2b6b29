// The platform repository paved renders (flake.nix, team.nix, hosts/NAME.nix) evaluated by real Nix as a
// flake, with paved's modules as the `paved` input and the fixture as nixpkgs, on nixos-26.05 and unstable.
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixJson } from "@paved/core";
import { fixtureNixpkgs, nixTestEnv, requireTool, type FixtureRelease } from "@paved/fixtures";
import { hostAdd, MODULES_DIR, teamAdd, teamRemove } from "@paved/baseline";

/** paved's flake as a platform repository sees it: nixosModules from packages/baseline/nix (copied, flakes are pure). */
async function pavedFlake(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-self-"));
  await cp(MODULES_DIR, join(dir, "nix"), { recursive: true });
  await writeFile(join(dir, "flake.nix"), `{ outputs = { self, ... }: { nixosModules = import ./nix; }; }\n`);
  return dir;
}

const HARDWARE = `{ fileSystems."/".device = "/dev/disk/by-label/nixos"; boot.loader.grub.device = "/dev/sda"; }\n`;

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  requireTool("ssh-keygen");
});

describe.each(["26.05", "unstable"] as FixtureRelease[])("a rendered platform repository on nixos-%s", (release) => {
  let repo: string;
  let overrides: string[];
  const evalHosts = async <T>(apply: string): Promise<T> => {
    execFileSync("git", ["add", "-A"], { cwd: repo });
    return nixJson<T>(["eval", ...overrides, `${repo}#nixosConfigurations`, "--apply", apply], {
      cwd: repo,
      env: nixTestEnv() as Record<string, string>,
    });
  };

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), "paved-platform-e2e-"));
    await writeFile(
      join(repo, "paved.yaml"),
      "version: 1\nteam:\n  groups: [ops]\nroles:\n  bastion:\n    sshAllowFrom: [10.20.0.0/16]\n",
    );
    const keyDir = await mkdtemp(join(tmpdir(), "paved-e2e-keys-"));
    for (const name of ["alice", "bob"])
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(keyDir, name)]);
    await teamAdd({ dir: repo, user: "alice", keyFile: join(keyDir, "alice.pub"), groups: ["wheel", "ops"] });
    await teamAdd({ dir: repo, user: "bob", keyFile: join(keyDir, "bob.pub"), groups: ["ops"] });
    await hostAdd({ dir: repo, name: "bastion-1", role: "bastion" });
    await hostAdd({ dir: repo, name: "wiki", role: "internal" });
    for (const host of ["bastion-1", "wiki"]) await writeFile(join(repo, `hosts/${host}-hardware.nix`), HARDWARE);
    execFileSync("git", ["init", "-q"], { cwd: repo });
    overrides = [
      "--override-input",
      "nixpkgs",
      `path:${await fixtureNixpkgs({ release })}`,
      "--override-input",
      "paved",
      `path:${await pavedFlake()}`,
    ];
  });

  it("builds every host, with the roster's users and the role's settings", async () => {
    const hosts = await evalHosts<
      Record<string, { top: string; users: string[]; bastion: boolean; allowUsers: string[] | null; wheel: string[] }>
    >(
      `cs: builtins.mapAttrs (n: c: let cfg = c.config; normal = builtins.filter (u: cfg.users.users.\${u}.isNormalUser) (builtins.attrNames cfg.users.users); in {
        top = cfg.system.build.toplevel.drvPath; users = normal; bastion = cfg.paved.bastion.enable;
        allowUsers = cfg.services.openssh.settings.AllowUsers;
        wheel = builtins.filter (u: builtins.elem "wheel" cfg.users.users.\${u}.extraGroups) normal; }) cs`,
    );
    expect(Object.keys(hosts)).toEqual(["bastion-1", "wiki"]);
    expect(hosts["bastion-1"]).toMatchObject({
      users: ["alice", "bob"],
      bastion: true,
      allowUsers: ["*@10.20.0.0/16"],
      wheel: ["alice"],
    });
    expect(hosts.wiki).toMatchObject({ users: ["alice", "bob"], bastion: false, allowUsers: null });
    for (const host of Object.values(hosts)) expect(host.top).toMatch(/\.drv$/);
  });

  it("takes a removed user off every host on the next deploy", async () => {
    await teamRemove({ dir: repo, user: "bob" });
    const users = await evalHosts<Record<string, string[]>>(
      `cs: builtins.mapAttrs (n: c: builtins.filter (u: c.config.users.users.\${u}.isNormalUser) (builtins.attrNames c.config.users.users)) cs`,
    );
    expect(users).toEqual({ "bastion-1": ["alice"], wiki: ["alice"] });
  });
});
