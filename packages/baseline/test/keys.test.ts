// Public key checks for the roster, against keys made by the real ssh-keygen.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { isPavedError } from "@paved/core";
import { requireTool } from "@paved/fixtures";
import { looksLikePrivateKey, parsePublicKey } from "@paved/baseline";

const dir = mkdtempSync(join(tmpdir(), "paved-keys-"));
function keygen(name: string, ...args: string[]): { pub: string; priv: string } {
  const file = join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-N", "", "-C", `${name}@test`, "-f", file, ...args]);
  return { pub: readFileSync(`${file}.pub`, "utf8"), priv: readFileSync(file, "utf8") };
}
function caught(fnc: () => unknown): { code: string; text: string } {
  try {
    fnc();
  } catch (error) {
    if (!isPavedError(error)) throw error;
    return { code: error.code, text: `${error.message}\n${error.hint}\n${JSON.stringify(error.details)}` };
  }
  throw new Error("expected an error");
}

beforeAll(() => {
  requireTool("ssh-keygen");
});

describe("parsePublicKey", () => {
  it("accepts Ed25519, ECDSA and 3072-bit RSA keys and fingerprints them like ssh-keygen", () => {
    for (const [name, args] of [
      ["ed", ["-t", "ed25519"]],
      ["ec", ["-t", "ecdsa", "-b", "384"]],
      ["rsa", ["-t", "rsa", "-b", "3072"]],
    ] as const) {
      const key = keygen(name, ...args);
      const parsed = parsePublicKey(key.pub, `${name}.pub`);
      const expected = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(dir, `${name}.pub`)], {
        encoding: "utf8",
      }).split(" ")[1];
      expect(parsed.fingerprint).toBe(expected);
      expect(parsed.line).toBe(key.pub.trim());
      expect(parsed.comment).toBe(`${name}@test`);
    }
  });

  it("refuses RSA keys under 2048 bits", () => {
    const key = keygen("rsa1024", "-t", "rsa", "-b", "1024");
    const error = caught(() => parsePublicKey(key.pub, "old.pub"));
    expect(error.code).toBe("E_INPUT");
    expect(error.text).toContain("at least 2048 bits (this one has 1024)");
  });

  it("refuses a key whose data names another type", () => {
    const ed = keygen("mislabel", "-t", "ed25519").pub.split(" ");
    const error = caught(() => parsePublicKey(`ssh-rsa ${ed[1]} x`, "k.pub"));
    expect(error.text).toContain("its data says it is a ssh-ed25519 key, not ssh-rsa");
  });

  it("refuses text that is not a key", () => {
    expect(caught(() => parsePublicKey("ssh-ed25519 not*base64", "a")).text).toContain("not base64");
    expect(caught(() => parsePublicKey("ssh-dss AAAAB3NzaC1kc3M= x", "a")).text).toContain(
      "is not a key type paved accepts",
    );
    expect(caught(() => parsePublicKey("", "a")).text).toContain("it is empty");
    const two = `${keygen("a1", "-t", "ed25519").pub}${keygen("a2", "-t", "ed25519").pub}`;
    expect(caught(() => parsePublicKey(two, "a")).text).toContain("it has 2 lines");
    const wire = (...parts: Buffer[]) =>
      Buffer.concat(parts.flatMap((p) => [Buffer.from([0, 0, 0, p.length]), p])).toString("base64");
    const short = wire(Buffer.from("ssh-ed25519"), Buffer.alloc(16));
    expect(caught(() => parsePublicKey(`ssh-ed25519 ${short} x`, "a")).text).toContain("32 bytes");
  });

  it("refuses a private key with E_SECRET_LITERAL and never repeats it", () => {
    const key = keygen("secret", "-t", "ed25519");
    expect(looksLikePrivateKey(key.priv)).toBe(true);
    const error = caught(() => parsePublicKey(key.priv, "id_ed25519"));
    expect(error.code).toBe("E_SECRET_LITERAL");
    const body = key.priv.split("\n")[1]!;
    expect(error.text).not.toContain(body.slice(0, 24));
    expect(error.text).not.toContain("BEGIN OPENSSH");
  });

  it("never echoes any part of an input that holds a private key", () => {
    const key = keygen("prop", "-t", "ed25519").priv;
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const error = caught(() => parsePublicKey(`${before}\n${key}\n${after}`, "pasted"));
        expect(error.code).toBe("E_SECRET_LITERAL");
        for (const line of key.split("\n").filter((l) => l.length > 16))
          expect(error.text).not.toContain(line.slice(0, 16));
      }),
      { numRuns: 100 },
    );
  });
});

describe("paved.yaml roster keys", () => {
  it("are checked as strictly as key files, with the line and column", async () => {
    const { parseConfig } = await import("@paved/core");
    const short = Buffer.concat([
      Buffer.from([0, 0, 0, 11]),
      Buffer.from("ssh-ed25519"),
      Buffer.from([0, 0, 0, 4]),
      Buffer.alloc(4),
    ]).toString("base64");
    const rsa = keygen("yaml-rsa", "-t", "rsa", "-b", "1024").pub.trim();
    try {
      parseConfig(
        `version: 1\nteam:\n  users:\n    a:\n      keys:\n        - ssh-ed25519 ${short} a\n        - ${rsa}\n`,
        "paved.yaml",
      );
      throw new Error("expected a config error");
    } catch (error) {
      if (!isPavedError(error)) throw error;
      expect(error.code).toBe("E_CONFIG_INVALID");
      expect(error.message).toMatch(/paved\.yaml:6:11: team\.users\.a\.keys\[0\].*an Ed25519 key must hold 32 bytes/);
      expect(error.message).toMatch(
        /paved\.yaml:7:11: team\.users\.a\.keys\[1\].*at least 2048 bits \(this one has 1024\)/,
      );
    }
  });
});

describe("hostile roster entries in paved.yaml", () => {
  const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtGnh5ruwn7K2y8pMkbJXnAo2ZTFCeF5BD8wBX7fR4H a";
  async function problems(team: string): Promise<string> {
    const { parseConfig } = await import("@paved/core");
    try {
      parseConfig(`version: 1\nteam:\n${team}`, "paved.yaml");
    } catch (error) {
      if (isPavedError(error)) return error.message;
      throw error;
    }
    return "";
  }

  it("refuses system account names, which would merge into that account", async () => {
    expect(await problems(`  users:\n    root:\n      keys: ["${KEY}"]\n`)).toMatch(
      /paved\.yaml:4:5: team\.users\.root: expected a person's login name/,
    );
    expect(await problems(`  users:\n    nixbld3:\n      keys: ["${KEY}"]\n`)).toContain("not a system account");
    expect(await problems(`  users:\n    systemd-network:\n      keys: ["${KEY}"]\n`)).toContain(
      "not a system account",
    );
  });

  it("refuses a key split over lines, a description that breaks /etc/passwd, root-equivalent groups and jump-only admins", async () => {
    expect(await problems(`  users:\n    a:\n      keys: ["${KEY}\\nssh-ed25519 AAAA"]\n`)).toContain(
      "single line without control characters",
    );
    expect(await problems(`  users:\n    a:\n      keys: ["${KEY}"]\n      description: "x:0:0"\n`)).toContain(
      "without colons",
    );
    expect(await problems(`  groups: [root]\n  users: {}\n`)).toContain("a group of your own");
    expect(
      await problems(`  users:\n    a:\n      keys: ["${KEY}"]\n      groups: [wheel]\n      jumpOnly: true\n`),
    ).toContain("jumpOnly: false for a member of wheel");
    expect(await problems(`  users:\n    a:\n      keys: ["${KEY}"]\n`)).toBe("");
  });
});
