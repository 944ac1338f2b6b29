// Editing paved.yaml keeps what people wrote, validates before writing, and writes all or nothing.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  addToConfigList,
  defaultConfig,
  deleteConfigValue,
  editConfig,
  parseConfig,
  removeFromConfigList,
  renderConfig,
  setConfigValue,
  type ConfigProblem,
} from "@paved/core";
import { isPavedError, type PavedError } from "../src/errors.ts";

const ORIGINAL = `# Platform team config -- owned by ops
version: 1

shells:
  default:
    # tools everyone needs
    packages:
      - jq   # json
      - git
    env:
      NODE_ENV: "development"   # quoted on purpose

hosts: {}
`;

const dirs: string[] = [];
async function repo(text = ORIGINAL): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "paved-edit-"));
  dirs.push(dir);
  await writeFile(join(dir, "paved.yaml"), text);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const read = (dir: string) => readFile(join(dir, "paved.yaml"), "utf8");

describe("editConfig", () => {
  it("adds to a list and a map, keeping comments, quoting and blank lines", async () => {
    const dir = await repo();
    const result = await editConfig(dir, (doc) => {
      addToConfigList(doc, ["shells", "default", "packages"], "ripgrep");
      setConfigValue(doc, ["hosts", "bastion-1"], { role: "bastion", address: "10.0.0.5" });
    });
    expect(result).toMatchObject({ changed: true, written: true });
    expect(result.config.shells.default!.packages).toEqual(["jq", "git", "ripgrep"]);
    expect(result.config.hosts["bastion-1"]!.role).toBe("bastion");
    const text = await read(dir);
    expect(text).toBe(`# Platform team config -- owned by ops
version: 1

shells:
  default:
    # tools everyone needs
    packages:
      - jq # json
      - git
      - ripgrep
    env:
      NODE_ENV: "development" # quoted on purpose

hosts:
  bastion-1:
    role: bastion
    address: 10.0.0.5
`);
    expect(parseConfig(text).config.hosts["bastion-1"]!.address).toBe("10.0.0.5");
  });

  it("keeps a file's own list and indentation style", async () => {
    const flat = await repo("version: 1\nrepos:\n- ../api\nshells:\n  default:\n    packages:\n    - jq\n");
    await editConfig(flat, (doc) => void addToConfigList(doc, ["repos"], "../web"));
    expect(await read(flat)).toBe(
      "version: 1\nrepos:\n- ../api\n- ../web\nshells:\n  default:\n    packages:\n    - jq\n",
    );
    const wide = await repo("version: 1\nshells:\n    default:\n        packages:\n            - jq\n");
    await editConfig(wide, (doc) => void addToConfigList(doc, ["shells", "default", "packages"], "git"));
    expect(await read(wide)).toBe(
      "version: 1\nshells:\n    default:\n        packages:\n            - jq\n            - git\n",
    );
  });

  it("an edit that makes the file invalid writes nothing and names the line", async () => {
    const dir = await repo();
    const before = await readFile(join(dir, "paved.yaml"));
    const mtime = (await stat(join(dir, "paved.yaml"))).mtimeMs;
    const error = (await editConfig(dir, (doc) => {
      setConfigValue(doc, ["hosts", "bastion-1"], { role: "bastoin" });
    }).catch((e: unknown) => e)) as PavedError;
    expect(isPavedError(error, "E_CONFIG_INVALID")).toBe(true);
    expect(error.message).toContain("unchanged");
    expect((error.details.problems as ConfigProblem[])[0]).toMatchObject({
      line: 15,
      col: 11,
      path: "hosts.bastion-1.role",
      suggestion: "bastion",
    });
    expect(Buffer.compare(await readFile(join(dir, "paved.yaml")), before)).toBe(0);
    expect((await stat(join(dir, "paved.yaml"))).mtimeMs).toBe(mtime);
    expect(await readdir(dir)).toEqual(["paved.yaml"]);
  });

  it("a literal token added by an edit is refused and never reaches the disk", async () => {
    const token = "glrt-2CR8_eVxiioB1QmzPZwaXYZ";
    const dir = await repo();
    const before = await read(dir);
    const error = (await editConfig(dir, (doc) => {
      setConfigValue(doc, ["hosts", "runner-1"], {
        role: "ci-runner",
        runner: { provider: "gitlab", url: "https://gitlab.example.com", tokenFile: token },
      });
    }).catch((e: unknown) => e)) as PavedError;
    expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
    expect(error.message).not.toContain(token.slice(5));
    expect(await read(dir)).toBe(before);
  });

  it("an edit function that throws writes nothing", async () => {
    const dir = await repo();
    await expect(
      editConfig(dir, (doc) => {
        addToConfigList(doc, ["shells", "default", "packages"], "ripgrep");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await read(dir)).toBe(ORIGINAL);
  });

  it("dry run returns the new text and writes nothing; no-op edits do not write", async () => {
    const dir = await repo();
    const dry = await editConfig(dir, (doc) => void deleteConfigValue(doc, ["shells", "default", "env"]), {
      dryRun: true,
    });
    expect(dry).toMatchObject({ changed: true, written: false });
    expect(dry.after).not.toContain("NODE_ENV");
    expect(await read(dir)).toBe(ORIGINAL);
    const same = await editConfig(
      dir,
      (doc) => void addToConfigList(doc, ["shells", "default", "packages"], "jq", { unique: true }),
    );
    expect(same).toMatchObject({ changed: false, written: false });
  });

  it("removes list entries", async () => {
    const dir = await repo();
    await editConfig(dir, (doc) => {
      expect(removeFromConfigList(doc, ["shells", "default", "packages"], "git")).toBe(1);
    });
    expect(parseConfig(await read(dir)).config.shells.default!.packages).toEqual(["jq"]);
    await editConfig(dir, (doc) => {
      expect(deleteConfigValue(doc, ["team", "users", "nobody"])).toBe(false);
      expect(removeFromConfigList(doc, ["repos"], "x")).toBe(0);
      expect(addToConfigList(doc, ["team", "groups"], "ops")).toBe(true);
      expect(addToConfigList(doc, ["team", "groups"], "ops", { unique: true })).toBe(false);
    });
    expect(parseConfig(await read(dir)).config.team!.groups).toEqual(["ops"]);
    expect(await read(dir)).toContain("- jq # json");
  });

  it("keeps the file mode", async () => {
    const dir = await repo();
    const { chmod } = await import("node:fs/promises");
    await chmod(join(dir, "paved.yaml"), 0o640);
    await editConfig(dir, (doc) => void addToConfigList(doc, ["repos"], "../api"));
    expect((await stat(join(dir, "paved.yaml"))).mode & 0o777).toBe(0o640);
  });

  it("a missing or malformed file is reported, not created", async () => {
    const dir = await repo("version: 1\nshells: [\n");
    expect(isPavedError(await editConfig(dir, () => undefined).catch((e: unknown) => e), "E_CONFIG_PARSE")).toBe(true);
    await rm(join(dir, "paved.yaml"));
    expect(isPavedError(await editConfig(dir, () => undefined).catch((e: unknown) => e), "E_CONFIG_MISSING")).toBe(
      true,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("defaultConfig / renderConfig", () => {
  it("renders a short, valid file that pins nixpkgs explicitly", () => {
    const text = renderConfig(defaultConfig(), { schemaUrl: "./node_modules/@paved/core/schema/paved.schema.json" });
    expect(text).toMatch(/^# paved\.yaml: /);
    expect(text).toContain("# yaml-language-server: $schema=./node_modules/@paved/core/schema/paved.schema.json\n");
    expect(text).toContain("version: 1\nnixpkgs:\n  release: nixos-26.05\n");
    expect(text).not.toContain("systems");
    expect(parseConfig(text).config).toEqual(defaultConfig());
  });

  it("round-trips a changed config and leaves out only defaults", () => {
    const config = defaultConfig();
    config.shells.default = {
      packages: ["jq"],
      toolchains: { node: { version: "22", attr: "nodejs_22" } },
      env: {},
      unfree: [],
    };
    config.ci = { provider: "github", steps: { default: ["pnpm test"] }, cache: { kind: "ci" }, timeoutMinutes: 30 };
    const text = renderConfig(config);
    expect(text).not.toContain("yaml-language-server");
    expect(text).not.toContain("unfree");
    expect(text).not.toContain("timeoutMinutes");
    expect(parseConfig(text).config).toEqual(config);
  });

  it("refuses to render an invalid config", () => {
    const config = defaultConfig();
    (config as { version: number }).version = 3;
    expect(() => renderConfig(config)).toThrow(/version: expected 1, got number 3/);
  });
});
