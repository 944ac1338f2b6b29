import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SECRET_FORMATS } from "@paved/core/secrets";
import {
  assertNoSecret,
  exec,
  findSecret,
  isPavedError,
  looksLikeSecret,
  maskSecret,
  parseConfig,
  scanSecrets,
  writeAtomic,
  writeFiles,
} from "@paved/core";

// Fake credentials in each vendor's documented shape (prefix, alphabet, length). None of them is real.
const SAMPLES: [kind: string, value: string, shown: string][] = [
  ["github-token", "ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc", "ghp_…"],
  ["github-token", "gho_16C7e42F292c6912E7710c838347Ae178B4a", "gho_…"],
  ["github-token", "ghs_16C7e42F292c6912E7710c838347Ae178B4a", "ghs_…"],
  ["github-token", "ghu_16C7e42F292c6912E7710c838347Ae178B4a", "ghu_…"],
  ["github-token", "ghr_16C7e42F292c6912E7710c838347Ae178B4a", "ghr_…"],
  ["github-pat", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH", "github_pat_…"],
  ["gitlab-token", "glpat-AbCdEfGhIjKlMnOpQrSt", "glpat-…"],
  ["gitlab-token", "glrt-t3_AbCdEfGhIjKlMnOpQrSt", "glrt-…"],
  ["gitlab-token", "gldt-AbCdEfGhIjKlMnOpQrSt", "gldt-…"],
  ["gitlab-runner-registration", "GR1348941AbCdEfGhIjKlMnOpQrSt", "GR1348941…"],
  ["aws-access-key-id", "AKIAIOSFODNN7EXAMPLE", "AKIA…"],
  ["aws-access-key-id", "ASIAY34FZKBOKMUTVV7A", "ASIA…"],
  ["aws-secret-key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key=…"],
  ["aws-secret-key", "AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY=…"],
  ["slack-token", "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-…"],
  ["slack-token", "xoxp-1234567890-abcdefghij", "xoxp-…"],
  [
    "slack-webhook",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "https://hooks.slack.com/…",
  ],
  ["google-api-key", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "AIza…"],
  ["npm-token", "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "npm_…"],
  ["pypi-token", "pypi-AgEIcHlwaS5vcmcCJGE4ZjU2ZjY1LWI5NzItNDg2Mi1hMTY1LTExYjFmYmM3ZTE2NgACKlsz", "pypi-…"],
  ["stripe-key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_…"],
  ["stripe-key", "rk_live_4eC39HqLyjWDarjtT1zdp7dc", "rk_live_…"],
  ["cachix-token", "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJhYmMxMjMifQ.c2lnbmF0dXJlMTIzNDU2", "eyJ…"],
  ["private-key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow…\n-----END RSA PRIVATE KEY-----", "-----BEGIN …"],
  ["private-key", "-----BEGIN PRIVATE KEY-----", "-----BEGIN …"],
  ["private-key", "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN …"],
  [
    "private-key",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    "-----BEGIN …",
  ],
  ["private-key", "-----BEGIN PGP PRIVATE KEY BLOCK-----", "-----BEGIN …"],
  [
    "openssh-key-body",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    "b3BlbnNzaC1rZXktdjE…",
  ],
  ["age-key", "AGE-SECRET-KEY-1QQPQQ7XH0RSWUY8ZNMRDQXQ8E0A7RWK6J8W0D2JZ4Y9J8KQ8F3CSQ3XDMA", "AGE-SECRET-KEY-…"],
  ["url-credentials", "https://deploy:hunter2@github.com/acme/app", "https://…@github.com"],
  ["url-credentials", "https://oauth2@gitlab.example.com/acme", "https://…@gitlab.example.com"],
  ["url-credentials", "git+ssh://git:s3cret@github.com/acme/platform", "git+ssh://…@github.com"],
  [
    "url-query-secret",
    "https://gitlab.example.com/api/v4/projects?private_token=abc123def",
    "https://gitlab.example.com/…?private_token=…",
  ],
  ["url-query-secret", "https://example.com/hook?access_token=abc", "https://example.com/…?access_token=…"],
  ["url-query-secret", "https://example.com/x?a=1&password=pw", "https://example.com/…?password=…"],
  [
    "url-query-secret",
    "https://bucket.s3.amazonaws.com/o?X-Amz-Signature=abcdef",
    "https://bucket.s3.amazonaws.com/…?X-Amz-Signature=…",
  ],
  ["high-entropy", "q8Zr3LmP0xV7kT2nW9cY4bH6jF1sD5gA", "q8…"],
];

const NOT_SECRETS = [
  "ci-7",
  "https://github.com/acme",
  "https://gitlab.example.com/acme/app?ref=main",
  "git+ssh://git@github.com/acme/platform",
  "ssh://deploy@bastion.example.com:2222",
  "/run/secrets/github-runner",
  "github:NixOS/nixpkgs/nixos-26.05",
  "0123456789abcdef0123456789abcdef01234567", // a commit hash: hex is below the entropy bar
  "/nix/store/5zy3q3fvsy2kbmrmv6d2cd6fqgbdrpdb-source",
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop",
  "nodejs_22",
  "CACHIX_AUTH_TOKEN",
  "ghp_", // a prefix alone
  "AKIA-looking-name",
];

describe("the secret scanner", () => {
  it.each(SAMPLES)("finds %s in %#, masked as its prefix only", (kind, value, shown) => {
    const finding = findSecret(value, { entropy: true });
    expect(finding?.kind).toBe(kind);
    expect(finding?.masked).toBe(shown);
    // The masked form never holds the body of the credential.
    if (kind !== "private-key") expect(finding?.masked).not.toContain(value.slice(-6));
  });

  it.each(SAMPLES.filter(([kind]) => kind !== "high-entropy"))(
    "finds %s inside other text, like a command or YAML (%#)",
    (kind, value) => {
      const text = `echo start\n  run: curl -H "x: ${value}" && done`;
      const finding = findSecret(text);
      expect(finding?.kind).toBe(kind);
      expect(text.slice(finding!.index)).toContain(value.slice(0, 6));
    },
  );

  it.each(NOT_SECRETS)("leaves %s alone", (value) => {
    expect(findSecret(value, { entropy: true })).toBeUndefined();
    expect(looksLikeSecret(value)).toBe(false);
  });

  it("high entropy applies only when asked: generated files hold hashes", () => {
    expect(findSecret("q8Zr3LmP0xV7kT2nW9cY4bH6jF1sD5gA")).toBeUndefined();
    expect(findSecret("q8Zr3LmP0xV7kT2nW9cY4bH6jF1sD5gA", { entropy: true })?.kind).toBe("high-entropy");
  });

  it("a value under a secret-sounding name is a secret unless it is a reference", () => {
    expect(findSecret("correct-horse", { name: "DB_PASSWORD" })?.kind).toBe("named-secret");
    expect(findSecret("/run/secrets/db", { name: "DB_PASSWORD" })).toBeUndefined();
    expect(findSecret("$DB_PASSWORD", { name: "DB_PASSWORD" })).toBeUndefined();
    expect(findSecret("CACHIX_AUTH_TOKEN", { name: "tokenSecret" })).toBeUndefined();
    expect(findSecret("/run/secrets/gh", { name: "tokenFile" })).toBeUndefined();
  });

  it("reports every secret in a text, in order", () => {
    const found = scanSecrets("a AKIAIOSFODNN7EXAMPLE b ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc");
    expect(found.map((f) => f.kind)).toEqual(["aws-access-key-id", "github-token"]);
    expect(maskSecret("ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc")).toBe("ghp_…");
  });

  it("assertNoSecret names the flag and masks the value", () => {
    const url = "https://github.com/acme?token=ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc";
    const error = (() => {
      try {
        assertNoSecret(url, "--url");
      } catch (e) {
        return e;
      }
    })();
    expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
    expect((error as Error).message).toMatch(/^--url: refused a GitHub token \(ghp_…\)/);
    expect(JSON.stringify(error) + (error as Error).message).not.toContain("Zx8vQ2mN");
  });
});

describe("every way out is guarded", () => {
  const token = "glpat-AbCdEfGhIjKlMnOpQrSt";

  it("paved.yaml: a secret in any field, an x- key or a key is E_SECRET_LITERAL at its line:col", () => {
    const cases: [string, RegExp][] = [
      [`version: 1\nplatform:\n  name: "Acme ${token}"\n`, /paved\.yaml:3:9: platform\.name: .*glpat-…/],
      [`version: 1\nx-notes: "${token}"\n`, /paved\.yaml:2:10: x-notes: .*glpat-…/],
      [
        `version: 1\nplatform:\n  paved: "https://u:pw@example.com/paved"\n`,
        /paved\.yaml:3:10: platform\.paved: .*https:\/\/…@example\.com/,
      ],
      [
        `version: 1\nhosts:\n  web-1:\n    role: staging\n    address: AKIAIOSFODNN7EXAMPLE\n`,
        /paved\.yaml:5:14: hosts\.web-1\.address: .*AKIA…/,
      ],
      [
        `version: 1\nshells:\n  default:\n    env:\n      DB_PASSWORD: correct-horse\n`,
        /paved\.yaml:5:20: shells\.default\.env\.DB_PASSWORD: /,
      ],
    ];
    for (const [text, message] of cases) {
      const error = (() => {
        try {
          parseConfig(text);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(isPavedError(error, "E_SECRET_LITERAL"), text).toBe(true);
      expect(error!.message).toMatch(message);
      expect(error!.message).not.toContain("AbCdEfGh");
      expect(error!.message).not.toContain("correct-horse");
    }
  });

  it("generated files: writeFiles refuses the whole set (dry run included) and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-secret-"));
    await writeFile(join(dir, "keep.txt"), "old\n");
    for (const dryRun of [false, true]) {
      const error = await writeFiles(
        dir,
        [
          { path: "a.nix", content: "{ }\n" },
          { path: "b.nix", content: `{\n  url = "https://x.test/?token=${token}";\n}\n` },
        ],
        { dryRun },
      ).catch((e: unknown) => e);
      expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
      expect((error as Error).message).toMatch(/^b\.nix:2:32: refused a GitLab token \(glpat-…\)/);
    }
    expect((await readdir(dir)).sort()).toEqual(["keep.txt"]);
  });

  it("writeAtomic refuses and leaves the old content", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-secret-"));
    const file = join(dir, "paved.yaml");
    await writeFile(file, "version: 1\n");
    const error = await writeAtomic(file, `version: 1\n# ${token}\n`).catch((e: unknown) => e);
    expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
    expect(await readFile(file, "utf8")).toBe("version: 1\n");
    expect(await readdir(dir)).toEqual(["paved.yaml"]);
  });

  it("command lines: exec refuses to start a program with a credential in its argv", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paved-secret-"));
    const marker = join(dir, "ran");
    const error = await Promise.resolve()
      .then(() => exec(["touch", marker, `--header=${token}`]))
      .catch((e: unknown) => e);
    expect(isPavedError(error, "E_SECRET_LITERAL")).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    // The same call without the credential runs: the refusal is about the value, not the program.
    expect((await exec(["touch", marker])).exitCode).toBe(0);
  });
});

describe("the short-text fast path", () => {
  // scanSecrets skips its combined format regex for text under 15 characters: no format may match shorter text.
  it("finds a 15-character Slack token, the shortest format", () => {
    expect(scanSecrets("xoxb-1234567890").map((f) => f.kind)).toEqual(["slack-token"]);
  });

  it("no single format matches fewer than 15 characters, even after its own prefix", () => {
    const prefixes = [
      "xoxb-",
      "xapp-1-",
      "ghp_",
      "github_pat_",
      "glpat-",
      "AKIA",
      "AIza",
      "npm_",
      "sk_live_",
      "whsec_",
      "eyJ",
      "sk-",
      "sk-ant-a-",
      "hvs.",
      "SG.",
      "tskey-a-",
      "GOCSPX-",
      "pypi-AgE",
      "dop_v1_",
      "AGE-SECRET-KEY-1",
      "-----BEGIN ",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.string({ unit: fc.constantFrom(..."aZ09_-.=:/+"), maxLength: 14 }),
        (prefix, rest) => {
          const text = `${prefix}${rest}`.slice(0, 14);
          for (const format of SECRET_FORMATS)
            expect(
              new RegExp(format.pattern.source, format.pattern.flags.replace("g", "")).test(text),
              `${format.id}: ${text}`,
            ).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
