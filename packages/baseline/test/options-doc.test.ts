// docs/reference/options.md is generated from the modules; this keeps it in sync and complete.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureNixpkgs, nixTestEnv, requireTool } from "@paved/fixtures";
import { collectOptionDocs, renderOptionsReference, type OptionDoc } from "@paved/baseline";

const FILE = fileURLToPath(new URL("../../../docs/reference/options.md", import.meta.url));
let docs: OptionDoc[];

beforeAll(async () => {
  requireTool("nix");
  docs = await collectOptionDocs({ nixpkgs: await fixtureNixpkgs(), env: nixTestEnv() as Record<string, string> });
});

describe("options reference", () => {
  it("matches the modules (run `pnpm --filter @paved/baseline gen:options` after changing them)", () => {
    expect(readFileSync(FILE, "utf8")).toBe(renderOptionsReference(docs));
  });

  it("documents every option of every module, each with a description and a type", () => {
    const names = docs.map((d) => d.name);
    for (const must of [
      "paved.baseline.enable",
      "paved.baseline.ssh.allowFrom",
      "paved.bastion.allowFrom",
      "paved.bastion.jumpOnlyUsers",
      "paved.logging.sink.url",
      "paved.monitoring.allowFrom",
      "paved.team.users",
    ]) {
      expect(names).toContain(must);
    }
    for (const doc of docs) {
      expect(doc.description.trim(), doc.name).not.toBe("");
      expect(doc.type, doc.name).not.toBe("");
    }
  });
});
