import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { writeFile, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitChange, isPavedError, type ChangeSet, type CommitIo } from "@paved/core";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-change-"));
  dirs.push(dir);
  writeFileSync(join(dir, "paved.yaml"), "version: 1\nhosts: {}\n");
  mkdirSync(join(dir, "hosts"));
  return dir;
}

/** Every file under dir with its content: the whole state a failed commit must leave alone. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) {
        out[`${relative(dir, full)}/`] = "";
        walk(full);
      } else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

async function change(dir: string): Promise<ChangeSet> {
  // An existing generated file is updated, new ones (one in a new directory) are created.
  await commitChange(dir, { files: [{ path: "flake.nix", content: "{ old = true; }\n" }] });
  return {
    config: {
      path: "paved.yaml",
      before: readFileSync(join(dir, "paved.yaml"), "utf8"),
      after: "version: 1\nhosts:\n  web-1:\n    role: staging\n",
    },
    files: [
      { path: "flake.nix", content: "{ new = true; }\n" },
      { path: "hosts/web-1.nix", content: "{ }\n" },
      { path: "ci/new/pipeline.yml", content: "on: push\n" },
    ],
  };
}

describe("commitChange: one transaction for paved.yaml and every generated file", () => {
  it("dry-run shows paved.yaml's diff with the files' and writes nothing", async () => {
    const dir = repo();
    const set = await change(dir);
    const before = snapshot(dir);
    const result = await commitChange(dir, set, { dryRun: true });
    expect(snapshot(dir)).toEqual(before);
    expect(result.written).toEqual([]);
    expect(result.config).toEqual({ path: "paved.yaml", status: "update", written: false });
    expect(result.diff).toContain("+  web-1:");
    expect(result.diff).toContain("+{ new = true; }");
    expect(result.diff).toContain("b/ci/new/pipeline.yml");
  });

  it("writes paved.yaml and every file together", async () => {
    const dir = repo();
    const result = await commitChange(dir, await change(dir));
    expect(result.written.sort()).toEqual(["ci/new/pipeline.yml", "flake.nix", "hosts/web-1.nix", "paved.yaml"]);
    expect(readFileSync(join(dir, "paved.yaml"), "utf8")).toContain("web-1");
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("new = true");
  });

  // 4 files: 4 temp writes then 4 renames; failing any of the 8 leaves everything as it was.
  for (const op of ["writeFile", "rename"] as const) {
    for (let n = 0; n < 4; n++) {
      it(`a failure at ${op} #${n + 1} leaves every file as before`, async () => {
        const dir = repo();
        const set = await change(dir);
        const before = snapshot(dir);
        let calls = 0;
        const io: CommitIo = {
          writeFile: async (path, data, options) => {
            if (op === "writeFile" && calls++ === n) throw new Error(`disk full at ${path}`);
            await writeFile(path, data, options);
          },
          rename: async (from, to) => {
            if (op === "rename" && calls++ === n) throw new Error(`cannot rename to ${to}`);
            await rename(from, to);
          },
        };
        const error = await commitChange(dir, set, { io }).catch((e: unknown) => e);
        expect(isPavedError(error) && error.code).toBe("E_FILE_WRITE");
        expect(snapshot(dir)).toEqual(before);
        expect(calls).toBeGreaterThan(n);
      });
    }
  }

  it("refuses when paved.yaml changed since it was read, writing nothing", async () => {
    const dir = repo();
    const set = await change(dir);
    writeFileSync(join(dir, "paved.yaml"), "version: 1\nhosts: {}\n# a person's edit\n");
    const before = snapshot(dir);
    const error = await commitChange(dir, set).catch((e: unknown) => e);
    expect(isPavedError(error) && error.code).toBe("E_CONFIG_CHANGED");
    expect(snapshot(dir)).toEqual(before);
  });

  it("keeps a generated file a person edited, and still writes the rest", async () => {
    const dir = repo();
    const set = await change(dir);
    writeFileSync(join(dir, "flake.nix"), readFileSync(join(dir, "flake.nix"), "utf8").replace("old", "mine"));
    const result = await commitChange(dir, set);
    expect(result.kept).toEqual(["flake.nix"]);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain("mine");
    expect(existsSync(join(dir, "hosts/web-1.nix"))).toBe(true);
  });
});
