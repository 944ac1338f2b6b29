/** Hostile strings for the input-surface fuzz test: injection syntax of every language paved writes, and secrets. */
import fc from "fast-check";

const RANDOM_TOKEN = "q8Zr3LmP0xV7kT2nW9cY4bH6jF1sD5gA";

// Fake credentials in each vendor's shape; `tail` is a piece of the body that must never appear anywhere.
export const SECRETS: { value: string; tail: string }[] = [
  "ghp_Zx8vQ2mN4rT6yU1iO3pA5sD7fG9hJ0kL2zXc",
  "gho_16C7e42F292c6912E7710c838347Ae178B4a",
  "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH",
  "glpat-AbCdEfGhIjKlMnOpQrSt",
  "glrt-t3_AbCdEfGhIjKlMnOpQrSt",
  "gldt-AbCdEfGhIjKlMnOpQrSt",
  "AKIAIOSFODNN7EXAMPLE",
  "ASIAY34FZKBOKMUTVV7A",
  "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
  "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
  "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
  "pypi-AgEIcHlwaS5vcmcCJGE4ZjU2ZjY1LWI5NzItNDg2Mi1hMTY1LTExYjFmYmM3ZTE2NgACKlsz",
  "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
  "rk_live_4eC39HqLyjWDarjtT1zdp7dc",
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
  "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAqXyZ\n-----END RSA PRIVATE KEY-----",
  "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBGQxZ\n-----END PGP PRIVATE KEY BLOCK-----",
  "AGE-SECRET-KEY-1QQPQQ7XH0RSWUY8ZNMRDQXQ8E0A7RWK6J8W0D2JZ4Y9J8KQ8F3CSQ3XDMA",
  "https://deploy:Hunter2Pw@github.com/acme",
  "https://github.com/acme?token=TokQueryV4lue99",
  "https://gitlab.example.com/api?private_token=PrivTokV4lue77",
  RANDOM_TOKEN,
].map((value) => ({ value, tail: tailOf(value) }));

function tailOf(value: string): string {
  // The body after its fixed prefix (an OpenSSH key always starts with the base64 of "openssh-key-v1").
  if (value.startsWith("-----BEGIN")) return value.split("\n")[1]!.slice(-10);
  const m = /:([^:@/]+)@|=([^&]+)$/.exec(value);
  if (m) return (m[1] ?? m[2])!;
  return value.slice(-10);
}

const INJECTIONS = [
  '"',
  "'",
  "''",
  "'''",
  "\\",
  "\\\\",
  '\\"',
  "${",
  "${x}",
  "''${x}",
  "${builtins.readFile /etc/shadow}",
  '"; rm -rf /; "',
  "'; rm -rf /; '",
  "$(id)",
  "`id`",
  "\n",
  "\r\n",
  "\n- injected",
  "\nkey: value",
  "\t",
  "\0",
  "a\0b",
  "#",
  " # comment",
  ": x",
  "- x",
  "*alias",
  "&anchor",
  "!!binary aGVsbG8=",
  "{ a = 1; }",
  "[",
  "]",
  "{",
  "}",
  "${{ github.event.pull_request.title }}",
  "${{ github.head_ref }}",
  "$CI_COMMIT_MESSAGE",
  "\u202E",
  "\u202Eevil",
  "\u2066",
  "\u2069",
  "\u200B",
  "\u200F",
  "\uFEFF",
  "\u0085",
  "\u2028",
  "\u001B[31m",
  "../../etc/passwd",
  "/nix/store/abc-source",
  "%00",
  "%0a",
  "true",
  "null",
  "~",
  "1e400",
  "-1",
  "0x10",
  "😀",
  "é",
  "ı",
  "\uD800",
  "ﬁ",
  "x".repeat(300),
  "a b",
  " ",
  "",
  "--help",
  "-rf",
  "--dir=/",
  "@",
  "@@",
  "?",
  "&",
  "|",
  "||",
];

const VALID_PARTS = [
  "web-1",
  "22",
  "nixos",
  "https://github.com/acme",
  "10.0.0.0/8",
  "alice",
  "/run/secrets/x",
  "github:acme/paved",
];

/** A hostile string: injection syntax, a secret, random text, or any of these glued to a valid value. */
export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...SECRETS.map((s) => s.value)) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...VALID_PARTS, ""),
        fc.constantFrom(...INJECTIONS, ...SECRETS.map((s) => s.value)),
        fc.constantFrom("", ...VALID_PARTS),
      )
      .map(([a, b, c]) => `${a}${b}${c}`),
  },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 80 }) },
);

/** Pieces of secrets present in `value` whose bodies must never be written or printed. */
export function secretTails(value: string): string[] {
  // A random-looking token is only recognisable as a whole value: glued into a URL or a path it is a path segment.
  return SECRETS.filter((s) => (s.value === RANDOM_TOKEN ? value === s.value : value.includes(s.value))).map(
    (s) => s.tail,
  );
}

// Characters that must never reach an output or a message (line breaks and tabs aside).
export const UNSAFE_OUT =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2028\u2029\u2066-\u2069\uFEFF]/;
