import { s } from "../_schema_compound.ts";
import { describeFound } from "../_messages.ts";
import type { Infer } from "../_schema.ts";
import { looksLikeSecret } from "../_secret.ts";
import { didYouMean } from "../_suggest.ts";
import { USER_NAME, userNameExpected } from "./_grammars.ts";

/** SSH public key types the roster accepts (no DSA). */
export const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "sk-ssh-ed25519@openssh.com",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  "ssh-rsa",
] as const;
const KEY_EXPECTED = "an SSH public key (ssh-ed25519 AAAA… comment) or the path of a .pub file";

/** The length-prefixed strings of an SSH wire-format key blob, or undefined when it does not parse exactly. */
function wireStrings(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 4 <= blob.length) {
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return undefined;
    out.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return at === blob.length ? out : undefined;
}

function mpintBits(value: Buffer | undefined): number {
  const bytes = value ?? Buffer.alloc(0);
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return start === bytes.length ? 0 : (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}

/**
 * Why `line` ("type base64 [comment]") is not a usable SSH public key, or undefined when it is: a known type,
 * base64 that decodes to an SSH key naming that same type, and a key size ssh-audit and OpenSSH accept.
 */
export function publicKeyProblem(line: string): string | undefined {
  // NixOS keeps authorized keys as single-line strings; a line break would split one key into two entries.
  if (/[\x00-\x1f\x7f]/.test(line.trim())) return "it must be a single line without control characters";
  const [type = "", blob = ""] = line.trim().split(/\s+/);
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type))
    return `"${type.slice(0, 40)}" is not a key type paved accepts (${SSH_KEY_TYPES.join(", ")})`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blob.length % 4 !== 0) return "the key data is not base64";
  const parts = wireStrings(Buffer.from(blob, "base64"));
  if (!parts) return "the key data is damaged (it does not decode as an SSH key)";
  const named = parts[0]?.toString("latin1") ?? "";
  if (named !== type) return `its data says it is a ${named.slice(0, 40) || "?"} key, not ${type}`;
  if (type.includes("ed25519")) return parts[1]?.length === 32 ? undefined : "an Ed25519 key must hold 32 bytes";
  if (type === "ssh-rsa") {
    // ssh-audit fails RSA keys under 2048 bits, and OpenSSH refuses them (RequiredRSASize).
    const bits = mpintBits(parts[2]);
    return bits >= 2048 ? undefined : `an RSA key must have at least 2048 bits (this one has ${bits})`;
  }
  const curve = /nistp[0-9]+/.exec(type)?.[0];
  return parts[1]?.toString("latin1") === curve ? undefined : `an ${type} key must use curve ${curve}`;
}

// multiline: publicKeyProblem refuses line breaks itself, with words about keys.
const sshKey = s.string({ minLength: 1, expected: KEY_EXPECTED, multiline: true }).refineWith((value, report) => {
  if (looksLikeSecret(value)) {
    report([], `${KEY_EXPECTED}, never a private key`, describeFound(value), { code: "E_SECRET_LITERAL" });
  } else if (!/^[^\s]+\.pub$/.test(value)) {
    const problem = publicKeyProblem(value);
    if (problem) report([], KEY_EXPECTED, `${describeFound(value)} (${problem})`);
  }
});

const groupName = s.string({
  pattern: /^[a-z_][a-z0-9_-]{0,31}$/,
  expected: "a group name: lower-case letters, digits, _ and -",
});

const date = s
  .string({ pattern: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, expected: "a date like 2026-12-31" })
  .refine(
    (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    "a real calendar date like 2026-12-31",
  );

const user = s.object({
  keys: s
    .array(sshKey, { minItems: 1, unique: true })
    .describe("SSH public keys, inline or as paths of .pub files (relative to paved.yaml)."),
  groups: s.array(groupName, { unique: true }).default([]).describe("Groups from team.groups, or wheel for sudo."),
  expires: date.optional().describe("Access ends after this day (UTC); the account is locked from then on."),
  jumpOnly: s.boolean().default(false).describe("May only jump through bastions (ssh -J); no shell."),
  // /etc/passwd fields end at ":" and lines at "\n"; NixOS refuses both in users.users.<name>.description.
  description: s.string({ pattern: /^[^:\n\r]*$/, expected: "a one-line description without colons" }).optional(),
});

/**
 * Accounts NixOS or paved's modules create themselves. A roster user with one of these names would merge into
 * that account (a roster entry named root would give root the listed keys), so the roster may not use them.
 */
const RESERVED_USER_NAMES = [
  "root",
  "nobody",
  "sshd",
  "messagebus",
  "polkituser",
  "nscd",
  "vector",
  "alloy",
  "node-exporter",
  "fail2ban",
  "sshguard",
  "gitlab-runner",
];
const RESERVED_USER_PATTERN = /^(nixbld[0-9]*|systemd-.*|github-runner-.*)$/;
// Membership in these groups is root in all but name.
const RESERVED_GROUPS = ["root", "shadow", "nixbld"];

// wheel is NixOS's own administrators' group; every other group must be declared in the roster.
const BUILTIN_GROUPS = ["wheel"];

export const teamSchema = s
  .object({
    groups: s.array(groupName, { unique: true }).default([]).describe("Groups the roster defines."),
    users: s.record(user, { keyPattern: USER_NAME, keyExpected: userNameExpected }).default({}),
  })
  .refineWith((team, report) => {
    const known = [...BUILTIN_GROUPS, ...team.groups];
    team.groups.forEach((group, index) => {
      if (RESERVED_GROUPS.includes(group))
        report(
          ["groups", index],
          `a group of your own, not one of ${RESERVED_GROUPS.join(", ")}`,
          JSON.stringify(group),
        );
    });
    for (const [name, member] of Object.entries(team.users)) {
      if (RESERVED_USER_NAMES.includes(name) || RESERVED_USER_PATTERN.test(name)) {
        report(
          ["users", name],
          "a person's login name, not a system account NixOS already has (root, nobody, sshd, nixbld*, systemd-*, github-runner-*, service users)",
          JSON.stringify(name),
          { at: "key" },
        );
      }
      if (member.jumpOnly && member.groups.includes("wheel")) {
        report(
          ["users", name, "jumpOnly"],
          "jumpOnly: false for a member of wheel (a jump-only user has no shell to use sudo in)",
          "true",
        );
      }
      member.groups.forEach((group, index) => {
        if (known.includes(group)) return;
        const suggestion = didYouMean(group, known);
        report(
          ["users", name, "groups", index],
          `a group listed in team.groups (${known.join(", ")})`,
          JSON.stringify(group),
          suggestion ? { suggestion } : undefined,
        );
      });
    }
  })
  .describe("The team roster: users, their SSH public keys and groups.");

export type TeamConfig = Infer<typeof teamSchema>;
export type TeamUser = Infer<typeof user>;
