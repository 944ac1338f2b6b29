import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixJson, renderPlatformFlake, validateConfig, writeFiles } from "@paved/core";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";

beforeAll(() => {
  requireTool("nix");
  requireTool("git");
  Object.assign(process.env, nixTestEnv());
});

/** A stand-in for paved's own flake: one module that sets an option, so we can see it was imported. */
async function stubPaved(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-stub-"));
  await writeFile(
    join(dir, "flake.nix"),
    `{ outputs = { self, ... }: { nixosModules.default = { lib, ... }: { time.timeZone = lib.mkDefault "UTC"; }; }; }\n`,
  );
  return dir;
}

describe("platform flake.nix", () => {
  it("gives every host a nixosConfiguration that real Nix evaluates, with its platform and files", async () => {
    const config = validateConfig({
      version: 1,
      platform: { name: "Acme" },
      hosts: { "bastion-1": { role: "bastion" }, "arm-1": { role: "staging", system: "aarch64-linux" } },
    });
    const repo = await mkdtemp(join(tmpdir(), "paved-platform-"));
    const host = (name: string) =>
      `{ ... }: {\n  boot.isContainer = true;\n  networking.hostName = "${name}";\n  system.stateVersion = "26.05";\n}\n`;
    await mkdir(join(repo, "hosts"));
    await writeFile(join(repo, "hosts/bastion-1.nix"), host("bastion-1"));
    await writeFile(join(repo, "hosts/arm-1.nix"), host("arm-1"));
    await writeFile(join(repo, "team.nix"), `{ ... }: { users.groups.ops = { }; }\n`);
    await writeFiles(repo, [renderPlatformFlake(config, { team: true })]);
    execFileSync("git", ["init", "-q"], { cwd: repo });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    const overrides = [
      "--override-input",
      "nixpkgs",
      `path:${await fixtureNixpkgs()}`,
      "--override-input",
      "paved",
      `path:${await stubPaved()}`,
    ];
    const facts = await nixJson<Record<string, unknown>>(
      [
        "eval",
        ...overrides,
        `${repo}#nixosConfigurations`,
        "--apply",
        `cs: builtins.mapAttrs (n: c: { platform = c.config.nixpkgs.hostPlatform.system; host = c.config.networking.hostName; tz = c.config.time.timeZone; ops = c.config.users.groups ? ops; }) cs`,
      ],
      { cwd: repo },
    );
    expect(facts).toEqual({
      "arm-1": { platform: "aarch64-linux", host: "arm-1", tz: "UTC", ops: true },
      "bastion-1": { platform: "x86_64-linux", host: "bastion-1", tz: "UTC", ops: true },
    });
    const checks = await nixJson<Record<string, string[]>>(
      ["eval", ...overrides, `${repo}#checks`, "--apply", "builtins.mapAttrs (s: builtins.attrNames)"],
      { cwd: repo },
    );
    expect(checks).toEqual({ "aarch64-linux": ["arm-1"], "x86_64-linux": ["bastion-1"] });
    // The platform team's dev shell also exists for the macOS systems in paved.yaml; checks stay Linux-only.
    const shells = await nixJson<string[]>(
      ["eval", ...overrides, `${repo}#devShells`, "--apply", "builtins.attrNames"],
      { cwd: repo },
    );
    expect(shells).toEqual(expect.arrayContaining(["aarch64-darwin", "x86_64-linux", "aarch64-linux"]));
  });
});
