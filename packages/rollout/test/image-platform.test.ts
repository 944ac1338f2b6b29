import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderPlatformFlake, validateConfig, writeFiles } from "@paved/core";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { buildImage, imageFormats } from "@paved/rollout";

/** paved's own flake, reduced to an empty default module. */
async function stubPaved(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-stub-"));
  await writeFile(join(dir, "flake.nix"), "{ outputs = { self, ... }: { nixosModules.default = { ... }: { }; }; }\n");
  return dir;
}

describe("images of a rendered platform flake (fixture nixpkgs, NixOS module system)", () => {
  let repo: string;
  let nixArgs: string[];
  beforeAll(async () => {
    requireTool("nix");
    requireTool("git");
    Object.assign(process.env, nixTestEnv());
    const yaml = "version: 1\nhosts:\n  web-1:\n    role: staging\n";
    const config = validateConfig({ version: 1, hosts: { "web-1": { role: "staging" } } });
    repo = await mkdtemp(join(tmpdir(), "paved-platform-"));
    await writeFile(join(repo, "paved.yaml"), yaml);
    await mkdir(join(repo, "hosts"));
    await writeFile(
      join(repo, "hosts/web-1.nix"),
      `{ ... }: {\n  boot.isContainer = true;\n  networking.hostName = "web-1";\n  system.stateVersion = "26.05";\n}\n`,
    );
    await writeFile(join(repo, "team.nix"), "{ ... }: { }\n");
    await writeFiles(repo, [renderPlatformFlake(config, { team: true })]);
    execFileSync("git", ["init", "-q"], { cwd: repo });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    nixArgs = [
      "--override-input",
      "nixpkgs",
      `path:${await fixtureNixpkgs()}`,
      "--override-input",
      "paved",
      `path:${await stubPaved()}`,
    ];
  });

  it("lists the variants of system.build.images and builds one", async () => {
    const { formats } = await imageFormats({ dir: repo, host: "web-1", nixArgs });
    expect(formats).toEqual(expect.arrayContaining(["amazon", "iso", "qemu", "raw-efi", "sd-card"]));
    const image = await buildImage({ dir: repo, host: "web-1", format: "qemu", nixArgs });
    expect(image.path.startsWith(`${image.out}/`)).toBe(true);
    expect(image.path).toMatch(/-qemu\.qcow2$/);
    const bytes = await readFile(image.path);
    expect(image.size).toBe(bytes.length);
    expect(image.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });
});
