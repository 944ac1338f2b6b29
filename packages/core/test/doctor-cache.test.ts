// `paved doctor` and the team binary cache (issue 19): the check reads Nix's effective configuration with the real
// `nix` (show-config / config show, whichever this Nix has) and says whether it trusts the team's key.
import { execFileSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { doctor } from "@paved/core";
import { requireTool } from "@paved/fixtures";

const saved = process.env.NIX_CONFIG;
let publicKey = "";
let dir = "";

beforeAll(async () => {
  requireTool("nix");
  const secret = execFileSync(
    "nix",
    ["--extra-experimental-features", "nix-command", "key", "generate-secret", "--key-name", "team-cache-1"],
    { encoding: "utf8" },
  );
  publicKey = execFileSync("nix", ["--extra-experimental-features", "nix-command", "key", "convert-secret-to-public"], {
    input: secret,
    encoding: "utf8",
  }).trim();
  dir = await mkdtemp(join(tmpdir(), "paved-doctor-cache-"));
  await writeFile(
    join(dir, "paved.yaml"),
    `version: 1\ncache:\n  kind: hosted\n  url: https://cache.acme.internal\n  publicKey: "${publicKey}"\n`,
  );
});
afterEach(() => {
  if (saved === undefined) delete process.env.NIX_CONFIG;
  else process.env.NIX_CONFIG = saved;
});

const cacheCheck = async () => (await doctor({ dir, home: dir })).checks.find((c) => c.id === "team-cache");

describe("doctor: the team cache", () => {
  it("warns when the local Nix does not trust the team's key, and says what to add", async () => {
    process.env.NIX_CONFIG = "experimental-features = nix-command flakes\nsubstituters = https://cache.nixos.org/";
    const check = await cacheCheck();
    expect(check).toMatchObject({ status: "warn" });
    expect(check!.detail).toMatch(/team-cache-1 is not in trusted-public-keys/);
    expect(check!.fix).toContain(`extra-trusted-public-keys = ${publicKey}`);
  });

  it("is ok when Nix's effective configuration has the substituter and the key", async () => {
    process.env.NIX_CONFIG = `experimental-features = nix-command flakes\nextra-substituters = https://cache.acme.internal/\nextra-trusted-public-keys = ${publicKey}`;
    expect(await cacheCheck()).toMatchObject({ status: "ok", detail: "https://cache.acme.internal, key team-cache-1" });
  });

  it("has no cache check in a repository without a team cache", async () => {
    const plain = await mkdtemp(join(tmpdir(), "paved-doctor-plain-"));
    await writeFile(join(plain, "paved.yaml"), "version: 1\n");
    expect((await doctor({ dir: plain, home: plain })).checks.some((c) => c.id === "team-cache")).toBe(false);
  });
});
