// The team binary cache (paved.yaml cache:, issue 19): validation with positions, and the rendered platform
// repository evaluated by real Nix on nixos-26.05 and unstable — the cache host runs harmonia with its key
// loaded as a systemd credential (never in the store), every other host substitutes from it.
import { execFileSync, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixJson, parseConfig, type ConfigProblem } from "@paved/core";
import { fixtureNixpkgs, nixTestEnv, requireTool, type FixtureRelease } from "@paved/fixtures";
import { MODULES_DIR, platformFiles } from "@paved/baseline";

const NIX = ["--extra-experimental-features", "nix-command"];
let publicKey = "";
let secretKey = "";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  secretKey = execFileSync("nix", [...NIX, "key", "generate-secret", "--key-name", "cache.acme.internal-1"], {
    encoding: "utf8",
  }).trim();
  publicKey = execFileSync("nix", [...NIX, "key", "convert-secret-to-public"], {
    input: secretKey,
    encoding: "utf8",
  }).trim();
});

const yaml = (cache: string) => `version: 1
hosts:
  cache-1:
    role: cache
    address: 10.0.0.5
    stateVersion: "26.05"
  wiki:
    role: internal
    stateVersion: "26.05"
${cache}`;

function problems(text: string): ConfigProblem[] {
  try {
    parseConfig(text, "paved.yaml");
  } catch (error) {
    return (error as { details: { problems: ConfigProblem[] } }).details.problems;
  }
  return [];
}

describe("cache: in paved.yaml", () => {
  it("refuses a private signing key pasted as the public key, without echoing it", () => {
    const text = yaml(
      `cache:\n  kind: harmonia\n  host: cache-1\n  signingKeyFile: /var/lib/secrets/cache-key\n  publicKey: "${secretKey}"\n`,
    );
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 14, col: 14, code: "E_SECRET_LITERAL" });
    expect(JSON.stringify(found)).not.toContain(secretKey.split(":")[1]!.slice(0, 12));
  });

  it("refuses a literal key where the signing key file goes", () => {
    const text = yaml(
      `cache:\n  kind: harmonia\n  host: cache-1\n  signingKeyFile: "${secretKey}"\n  publicKey: "${publicKey}"\n`,
    );
    const found = problems(text);
    expect(found[0]).toMatchObject({ line: 13, code: "E_SECRET_LITERAL" });
    expect(JSON.stringify(found)).not.toContain(secretKey.split(":")[1]!.slice(0, 12));
  });

  it("names the file position of a malformed key, a missing host and a host of the wrong role", () => {
    expect(
      problems(yaml(`cache:\n  kind: s3\n  url: s3://acme-nix?region=eu-west-1\n  publicKey: "not-a-key"\n`))[0],
    ).toMatchObject({ line: 13, col: 14 });
    const noHost = problems(
      yaml(`cache:\n  kind: harmonia\n  signingKeyFile: /var/lib/secrets/k\n  publicKey: "${publicKey}"\n`),
    );
    expect(noHost.map((p) => p.text).join("\n")).toMatch(/host/);
    const wrongRole = problems(
      yaml(
        `cache:\n  kind: harmonia\n  host: wiki\n  signingKeyFile: /var/lib/secrets/k\n  publicKey: "${publicKey}"\n`,
      ),
    );
    expect(wrongRole[0]).toMatchObject({ line: 12, col: 9 });
    expect(wrongRole[0]!.text).toMatch(/role cache \(cache-1\)/);
  });

  it("refuses credentials inside a substituter URL", () => {
    const found = problems(
      yaml(
        `cache:\n  kind: s3\n  url: "s3://acme-nix?region=eu-west-1&secret-key=/tmp/k"\n  publicKey: "${publicKey}"\n`,
      ),
    );
    expect(found[0]).toMatchObject({ line: 12, code: "E_SECRET_LITERAL" });
  });
});

/** paved's flake as a platform repository sees it: nixosModules from packages/baseline/nix. */
async function pavedFlake(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-self-"));
  await cp(MODULES_DIR, join(dir, "nix"), { recursive: true });
  await writeFile(join(dir, "flake.nix"), `{ outputs = { self, ... }: { nixosModules = import ./nix; }; }\n`);
  return dir;
}

// Hardware, and a way in (NixOS refuses a host nobody can log in to).
const HARDWARE = `{ fileSystems."/".device = "/dev/disk/by-label/nixos"; boot.loader.grub.device = "/dev/sda";
  users.users.root.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtGnh5ruwn7K2y8pMkbJXnAo2ZTFCeF5BD8wBX7fR4H ops@laptop" ]; }\n`;

describe.each(["26.05", "unstable"] as FixtureRelease[])("a platform with a harmonia cache on nixos-%s", (release) => {
  let repo: string;
  interface Host {
    subs: string[];
    keys: string[];
    harmonia: boolean;
    signKeys: string[];
    bind: string | null;
    credential: string[] | null;
    ports: number[];
    drv: string;
  }
  let hosts: Record<string, Host>;
  const KEY_FILE = "/var/lib/secrets/cache-key";

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), "paved-cache-platform-"));
    const text = yaml(
      `cache:\n  kind: harmonia\n  host: cache-1\n  port: 5080\n  priority: 30\n  signingKeyFile: ${KEY_FILE}\n  publicKey: "${publicKey}"\n`,
    );
    await writeFile(join(repo, "paved.yaml"), text);
    const { config } = parseConfig(text, "paved.yaml");
    for (const file of await platformFiles(config, repo)) {
      await mkdir(join(repo, file.path, ".."), { recursive: true });
      await writeFile(join(repo, file.path), file.content);
    }
    for (const host of ["cache-1", "wiki"]) await writeFile(join(repo, `hosts/${host}-hardware.nix`), HARDWARE);
    execFileSync("git", ["init", "-q"], { cwd: repo });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    const overrides = [
      "--override-input",
      "nixpkgs",
      `path:${await fixtureNixpkgs({ release })}`,
      "--override-input",
      "paved",
      `path:${await pavedFlake()}`,
    ];
    hosts = await nixJson<Record<string, Host>>(
      [
        "eval",
        ...overrides,
        `${repo}#nixosConfigurations`,
        "--apply",
        `cs: builtins.mapAttrs (n: c: let cfg = c.config; h = cfg.services.harmonia.cache; in {
        subs = cfg.nix.settings.substituters; keys = cfg.nix.settings.trusted-public-keys;
        harmonia = h.enable; signKeys = h.signKeyPaths; bind = h.settings.bind or null;
        credential = if h.enable then cfg.systemd.services.harmonia.serviceConfig.LoadCredential else null;
        ports = cfg.networking.firewall.allowedTCPPorts;
        drv = cfg.system.build.toplevel.drvPath; }) cs`,
      ],
      { cwd: repo, env: nixTestEnv() as Record<string, string> },
    );
  });

  it("serves the cache from the cache host, its key a credential path outside the store", () => {
    expect(hosts["cache-1"]).toMatchObject({
      harmonia: true,
      signKeys: [KEY_FILE],
      bind: "[::]:5080",
      credential: [`sign-key-0:${KEY_FILE}`],
    });
    expect(hosts["cache-1"]!.ports).toContain(5080);
    expect(hosts.wiki!.harmonia).toBe(false);
  });

  it("has every other host substitute from it, next to cache.nixos.org", () => {
    expect(hosts.wiki!.subs).toEqual(["http://10.0.0.5:5080?priority=30", "https://cache.nixos.org/"]);
    expect(hosts.wiki!.keys).toContain(publicKey);
    expect(hosts.wiki!.keys).toContain("cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=");
    // The cache host serves its own store; it does not substitute from itself.
    expect(hosts["cache-1"]!.subs).toEqual(["https://cache.nixos.org/"]);
  });

  it("lets developers substitute through the flake's nixConfig, and never writes the private key", async () => {
    const nixConfig = await nixJson<Record<string, string[]>>(
      ["eval", "--impure", "--expr", `(import ${join(repo, "flake.nix")}).nixConfig`],
      { env: nixTestEnv() as Record<string, string> },
    );
    expect(nixConfig).toEqual({
      "extra-substituters": ["http://10.0.0.5:5080?priority=30"],
      "extra-trusted-public-keys": [publicKey],
    });
    const grep = spawnSync("git", ["grep", "-l", "-F", secretKey.split(":")[1]!.slice(0, 40)], {
      cwd: repo,
      encoding: "utf8",
    });
    expect(grep.status).toBe(1);
    expect(grep.stdout).toBe("");
  });
});
