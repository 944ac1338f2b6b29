import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "@paved/core";
import { renderDevshellFiles } from "@paved/devshell";

describe("renderDevshellFiles", () => {
  it("gives each existing sub-project an .envrc, and none to a shell whose directory is gone", async () => {
    const root = await mkdtemp(join(tmpdir(), "paved-files-"));
    await mkdir(join(root, "services/api"), { recursive: true });
    const config = validateConfig({
      version: 1,
      shells: {
        default: { packages: ["git"] },
        api: { dir: "services/api", packages: ["go"] },
        gone: { dir: "services/removed", packages: ["jq"] },
      },
    });
    const paths = renderDevshellFiles(root, config).map((f) => f.path);
    expect(paths).toContain("services/api/.envrc");
    expect(paths).not.toContain("services/removed/.envrc");
    expect(paths).toEqual(expect.arrayContaining(["flake.nix", ".envrc"]));
  });
});
