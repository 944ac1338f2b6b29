// host add / team add / team remove on a real directory: what they write, and that bad input writes nothing.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isPavedError, loadConfig } from "@paved/core";
import { requireTool } from "@paved/fixtures";
import { hostAdd, teamAdd, teamRemove } from "@paved/baseline";

let repo: string;
let keys: string;
const PAVED_YAML = `# platform repository
version: 1
team:
  groups: [ops]
  users:
    alice:
      keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtGnh5ruwn7K2y8pMkbJXnAo2ZTFCeF5BD8wBX7fR4H alice@laptop
      groups: [wheel, ops]
roles:
  bastion:
    sshAllowFrom: [10.20.0.0/16]
  internal:
    sshAllowFrom: [10.20.0.0/16]
    modules: { monitoring: true }
    monitoring: { allowFrom: [10.9.0.0/24] }
`;

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[join(entry.parentPath, entry.name)] = await readFile(join(entry.parentPath, entry.name), "utf8");
  }
  return out;
}

async function refused(promise: Promise<unknown>): Promise<{ code: string; text: string }> {
  try {
    await promise;
  } catch (error) {
    if (!isPavedError(error)) throw error;
    return { code: error.code, text: `${error.message}\n${error.hint}` };
  }
  throw new Error("expected the command to refuse");
}

function keygen(name: string): string {
  const file = join(keys, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `${name}@laptop`, "-f", file]);
  return file;
}

beforeAll(async () => {
  requireTool("ssh-keygen");
  keys = await mkdtemp(join(tmpdir(), "paved-team-keys-"));
});

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), "paved-platform-"));
  await writeFile(join(repo, "paved.yaml"), PAVED_YAML);
});

describe("host add", () => {
  it("records the host and renders its file, the roster and the flake", async () => {
    const result = await hostAdd({ dir: repo, name: "bastion-1", role: "bastion", address: "203.0.113.7" });
    expect(result.written.sort()).toEqual(["flake.nix", "hosts/bastion-1.nix", "team.nix"]);
    const { config } = await loadConfig(repo);
    expect(config.hosts["bastion-1"]).toMatchObject({
      role: "bastion",
      address: "203.0.113.7",
      system: "x86_64-linux",
      stateVersion: "26.05",
    });
    const host = await readFile(join(repo, "hosts/bastion-1.nix"), "utf8");
    expect(host).toContain('paved.bastion.allowFrom = [ "10.20.0.0/16" ];');
    expect(host).toContain('networking.hostName = "bastion-1";');
    expect(await readFile(join(repo, "paved.yaml"), "utf8")).toContain("# platform repository");
    expect(await readFile(join(repo, "flake.nix"), "utf8")).toContain("./hosts/bastion-1.nix");

    await hostAdd({ dir: repo, name: "wiki", role: "internal" });
    const wiki = await readFile(join(repo, "hosts/wiki.nix"), "utf8");
    expect(wiki).toContain('paved.baseline.ssh.allowFrom = [ "10.20.0.0/16" ];');
    expect(wiki).toMatch(/paved\.monitoring = \{\s+enable = true;\s+allowFrom = \[ "10\.9\.0\.0\/24" \];/);
    expect(wiki).not.toContain("paved.bastion");
  });

  it("writes nothing with --dry-run but shows the change", async () => {
    const before = await snapshot(repo);
    const result = await hostAdd({ dir: repo, name: "stage-1", role: "staging", dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.configAfter).toContain("stage-1:");
    expect(result.files.find((f) => f.path === "hosts/stage-1.nix")?.diff).toContain(
      '+  networking.hostName = "stage-1";',
    );
    expect(await snapshot(repo)).toEqual(before);
  });

  it("refuses an unknown role, a duplicate host and a bad name, writing nothing", async () => {
    await hostAdd({ dir: repo, name: "bastion-1", role: "bastion" });
    const before = await snapshot(repo);
    const role = await refused(hostAdd({ dir: repo, name: "b2", role: "bastoin" }));
    expect(role).toMatchObject({ code: "E_INPUT" });
    expect(role.text).toContain('unknown role "bastoin" (did you mean bastion?)');
    const dup = await refused(hostAdd({ dir: repo, name: "bastion-1", role: "internal" }));
    expect(dup.text).toContain("host bastion-1 already exists (role bastion)");
    const name = await refused(hostAdd({ dir: repo, name: "Bad_Name", role: "internal" }));
    expect(name.code).toBe("E_CONFIG_INVALID");
    expect(await snapshot(repo)).toEqual(before);
  });

  it("refuses a source network that is not a CIDR, naming the line, writing nothing", async () => {
    await writeFile(
      join(repo, "paved.yaml"),
      PAVED_YAML.replace("sshAllowFrom: [10.20.0.0/16]\n  internal", "sshAllowFrom: [10.20.0.0/33]\n  internal"),
    );
    const before = await snapshot(repo);
    const error = await refused(hostAdd({ dir: repo, name: "bastion-1", role: "bastion" }));
    expect(error.code).toBe("E_CONFIG_INVALID");
    expect(error.text).toMatch(/paved\.yaml:12:\d+/);
    expect(error.text).toContain("CIDR");
    expect(await snapshot(repo)).toEqual(before);
  });
});

describe("team add / remove", () => {
  it("adds a user with a key from a .pub file; a second key goes to the same user", async () => {
    const bob = keygen("bob");
    await teamAdd({ dir: repo, user: "bob", keyFile: `${bob}.pub`, groups: ["ops"], expires: "2027-03-31" });
    const laptop2 = keygen("bob2");
    await teamAdd({ dir: repo, user: "bob", keyFile: `${laptop2}.pub` });
    const { config } = await loadConfig(repo);
    expect(config.team!.users.bob).toMatchObject({ groups: ["ops"], expires: "2027-03-31", jumpOnly: false });
    expect(config.team!.users.bob!.keys).toEqual([
      (await readFile(`${bob}.pub`, "utf8")).trim(),
      (await readFile(`${laptop2}.pub`, "utf8")).trim(),
    ]);
    const team = await readFile(join(repo, "team.nix"), "utf8");
    expect(team).toContain("bob = {");
    expect(team).toContain('expires = "2027-03-31";');
  });

  it("refuses a private key with E_SECRET_LITERAL, never writing or echoing it", async () => {
    const mallory = keygen("mallory");
    const secret = await readFile(mallory, "utf8");
    const before = await snapshot(repo);
    const error = await refused(teamAdd({ dir: repo, user: "mallory", keyFile: mallory }));
    expect(error.code).toBe("E_SECRET_LITERAL");
    expect(error.text).not.toContain(secret.split("\n")[1]!.slice(0, 20));
    expect(await snapshot(repo)).toEqual(before);
  });

  it("refuses a token pasted as --key with E_SECRET_LITERAL, never echoing it", async () => {
    const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    const before = await snapshot(repo);
    const error = await refused(teamAdd({ dir: repo, user: "mallory", keyFile: token }));
    expect(error.code).toBe("E_SECRET_LITERAL");
    expect(error.text).not.toContain(token);
    expect(await snapshot(repo)).toEqual(before);
  });

  it("refuses a file that is not a public key and a group that does not exist", async () => {
    const junk = join(keys, "junk.pub");
    await writeFile(junk, "hello world\n");
    const before = await snapshot(repo);
    expect((await refused(teamAdd({ dir: repo, user: "carol", keyFile: junk }))).text).toContain(
      "is not an SSH public key",
    );
    const carol = keygen("carol");
    const group = await refused(teamAdd({ dir: repo, user: "carol", keyFile: `${carol}.pub`, groups: ["opz"] }));
    expect(group.text).toContain('group "opz" does not exist in the roster (did you mean ops?)');
    expect(await snapshot(repo)).toEqual(before);
  });

  it("removes a user from the roster and team.nix, but never the last administrator", async () => {
    const dave = keygen("dave");
    await teamAdd({ dir: repo, user: "dave", keyFile: `${dave}.pub`, groups: ["ops"] });
    await hostAdd({ dir: repo, name: "bastion-1", role: "bastion" });
    expect(await readFile(join(repo, "team.nix"), "utf8")).toContain("dave");
    await teamRemove({ dir: repo, user: "dave" });
    expect(await readFile(join(repo, "team.nix"), "utf8")).not.toContain("dave");
    expect((await loadConfig(repo)).config.team!.users.dave).toBeUndefined();
    const before = await snapshot(repo);
    expect((await refused(teamRemove({ dir: repo, user: "alice" }))).text).toContain("alice is the last wheel user");
    expect((await refused(teamRemove({ dir: repo, user: "dav" }))).text).toContain("dav is not on the roster");
    expect(await snapshot(repo)).toEqual(before);
  });
});
