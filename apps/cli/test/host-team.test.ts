// `paved host add`, `paved team add` and `paved team remove` through the real bundled CLI.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseHeader } from "@paved/core";
import { requireTool } from "@paved/fixtures";
import { paved } from "./_cli.ts";

let repo: string;
let keys: string;

beforeAll(async () => {
  requireTool("ssh-keygen");
  keys = await mkdtemp(join(tmpdir(), "paved-cli-keys-"));
  for (const name of ["alice", "bob"])
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(keys, name)]);
});

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), "paved-cli-platform-"));
  await writeFile(
    join(repo, "paved.yaml"),
    "version: 1\nteam:\n  groups: [ops]\nroles:\n  bastion:\n    sshAllowFrom: [10.20.0.0/16]\n",
  );
});

describe("paved team and host commands", () => {
  it("team add, host add, team remove", async () => {
    const add = await paved(["team", "add", "alice", "--key", join(keys, "alice.pub"), "--groups", "wheel,ops"], {
      cwd: repo,
    });
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("wrote team.nix");
    const host = await paved(["host", "add", "bastion-1", "--role", "bastion", "--address", "203.0.113.7", "--json"], {
      cwd: repo,
    });
    expect(host.code).toBe(0);
    const data = JSON.parse(host.stdout) as {
      written: string[];
      configChanged: boolean;
      readiness: { hardware: string; needed: string[] };
    };
    expect(data.configChanged).toBe(true);
    // paved.yaml, the platform's files and a starter hardware file: one transaction.
    expect(data.written.sort()).toEqual(["flake.nix", "hosts/bastion-1-hardware.nix", "hosts/bastion-1.nix"]);
    expect(parseHeader(await readFile(join(repo, "hosts/bastion-1-hardware.nix"), "utf8"))).toBeUndefined();
    // Not deployable yet: the hardware file is the empty starter. sshAllowFrom and an admin are there.
    expect(data.readiness.hardware).toBe("empty");
    expect(data.readiness.needed.join("\n")).toContain("hosts/bastion-1-hardware.nix is empty");
    expect(data.readiness.needed.join("\n")).not.toContain("sshAllowFrom");
    expect(data.readiness.needed.join("\n")).not.toContain("wheel");
    expect(await readFile(join(repo, "hosts/bastion-1.nix"), "utf8")).toContain("paved.bastion.enable = true;");
    expect(await readFile(join(repo, "hosts/bastion-1.nix"), "utf8")).toMatch(/system\.stateVersion = "\d\d\.\d\d";/);
    const wiki = await paved(["host", "add", "wiki", "--role", "internal"], { cwd: repo });
    // Says what is missing before a deploy, and never suggests deploying a host that cannot boot.
    expect(wiki.stdout).toContain("Before wiki can be deployed:");
    expect(wiki.stdout).toContain("hosts/wiki-hardware.nix is empty");
    expect(wiki.stdout).toContain("roles.internal.sshAllowFrom is empty");
    expect(wiki.stdout).toContain("hosts.wiki.address is not set");
    expect(wiki.stdout).not.toContain("nixos-rebuild");
    await paved(["team", "add", "bob", "--key", join(keys, "bob.pub")], { cwd: repo });
    const remove = await paved(["team", "remove", "bob"], { cwd: repo });
    expect(remove.code).toBe(0);
    expect(await readFile(join(repo, "team.nix"), "utf8")).not.toContain("bob");
  });

  it("host add is one transaction: when a write fails, paved.yaml and every generated file stay as they were", async () => {
    expect(
      (await paved(["team", "add", "alice", "--key", join(keys, "alice.pub"), "--groups", "wheel"], { cwd: repo }))
        .code,
    ).toBe(0);
    const before = {
      yaml: await readFile(join(repo, "paved.yaml"), "utf8"),
      flake: await readFile(join(repo, "flake.nix"), "utf8"),
    };
    // A file where the hosts/ directory must go: paved.yaml and flake.nix are staged before hosts/wiki.nix fails.
    await writeFile(join(repo, "hosts"), "not a directory\n");
    const run = await paved(["host", "add", "wiki", "--role", "internal"], { cwd: repo });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("nothing was changed");
    expect(await readFile(join(repo, "paved.yaml"), "utf8")).toBe(before.yaml);
    expect(await readFile(join(repo, "flake.nix"), "utf8")).toBe(before.flake);
    expect((await readdir(repo)).filter((f) => f.includes("paved-tmp"))).toEqual([]);
  });

  it("--dry-run prints the diff and writes nothing", async () => {
    const run = await paved(["host", "add", "wiki", "--role", "internal", "--dry-run"], { cwd: repo });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("+++ b/hosts/wiki.nix");
    expect(run.stdout).toContain("dry run: nothing written");
    expect(existsSync(join(repo, "hosts/wiki.nix"))).toBe(false);
  });

  it("exits 2 for an unknown role and 3 for a duplicate host", async () => {
    const role = await paved(["host", "add", "x", "--role", "bastoin"], { cwd: repo });
    expect(role.code).toBe(2);
    expect(role.stderr).toContain("bastion");
    expect((await paved(["host", "add", "b1", "--role", "bastion"], { cwd: repo })).code).toBe(0);
    const dup = await paved(["host", "add", "b1", "--role", "internal"], { cwd: repo });
    expect(dup.code).toBe(3);
    expect(dup.stderr).toContain("host b1 already exists");
  });

  it("refuses a private key with E_SECRET_LITERAL and does not print it", async () => {
    const before = await readFile(join(repo, "paved.yaml"), "utf8");
    const run = await paved(["team", "add", "alice", "--key", join(keys, "alice"), "--json"], { cwd: repo });
    expect(run.code).toBe(3);
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe("E_SECRET_LITERAL");
    const secretLine = (await readFile(join(keys, "alice"), "utf8")).split("\n")[1]!;
    expect(run.stdout + run.stderr).not.toContain(secretLine.slice(0, 20));
    expect(await readFile(join(repo, "paved.yaml"), "utf8")).toBe(before);
    expect(existsSync(join(repo, "team.nix"))).toBe(false);
  });
});
