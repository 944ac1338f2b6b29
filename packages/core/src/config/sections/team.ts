import { s } from "../_schema_compound.ts";
import { describeFound, type Infer } from "../_schema.ts";
import { looksLikeSecret } from "../_secret.ts";
import { didYouMean } from "../_suggest.ts";

const KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];
const KEY_EXPECTED = "an SSH public key (ssh-ed25519 AAAA… comment) or the path of a .pub file";

/** The key blob starts with its own type name; a mismatch means a damaged or mislabelled key. */
function isPublicKeyLine(value: string): boolean {
  const [type, blob, ...rest] = value.trim().split(/\s+/);
  void rest;
  if (type === undefined || blob === undefined || !KEY_TYPES.includes(type)) return false;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return false;
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length < 8) return false;
  const length = bytes.readUInt32BE(0);
  return bytes.subarray(4, 4 + length).toString("latin1") === type;
}

const sshKey = s.string({ minLength: 1, expected: KEY_EXPECTED }).refineWith((value, report) => {
  if (looksLikeSecret(value)) {
    report([], `${KEY_EXPECTED}, never a private key`, describeFound(value), { code: "E_SECRET_LITERAL" });
  } else if (!isPublicKeyLine(value) && !/^[^\s]+\.pub$/.test(value)) {
    report([], KEY_EXPECTED, describeFound(value));
  }
});

const groupName = s.string({ pattern: /^[a-z_][a-z0-9_-]{0,31}$/, expected: "a group name: lower-case letters, digits, _ and -" });

const date = s
  .string({ pattern: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, expected: "a date like 2026-12-31" })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "a real calendar date like 2026-12-31");

const user = s.object({
  keys: s.array(sshKey, { minItems: 1, unique: true }).describe("SSH public keys, inline or as paths of .pub files (relative to paved.yaml)."),
  groups: s.array(groupName, { unique: true }).default([]).describe("Groups from team.groups, or wheel for sudo."),
  expires: date.optional().describe("Access ends after this day (UTC); the account is locked from then on."),
  jumpOnly: s.boolean().default(false).describe("May only jump through bastions (ssh -J); no shell."),
  description: s.string().optional(),
});

// wheel is NixOS's own administrators' group; every other group must be declared in the roster.
const BUILTIN_GROUPS = ["wheel"];

export const teamSchema = s
  .object({
    groups: s.array(groupName, { unique: true }).default([]).describe("Groups the roster defines."),
    users: s
      .record(user, { keyPattern: /^[a-z_][a-z0-9_-]{0,31}$/, keyExpected: "a user name: lower-case letters, digits, _ and - (at most 32)" })
      .default({}),
  })
  .refineWith((team, report) => {
    const known = [...BUILTIN_GROUPS, ...team.groups];
    for (const [name, member] of Object.entries(team.users)) {
      member.groups.forEach((group, index) => {
        if (known.includes(group)) return;
        const suggestion = didYouMean(group, known);
        report(["users", name, "groups", index], `a group listed in team.groups (${known.join(", ")})`, JSON.stringify(group), suggestion ? { suggestion } : undefined);
      });
    }
  })
  .describe("The team roster: users, their SSH public keys and groups.");

export type TeamConfig = Infer<typeof teamSchema>;
export type TeamUser = Infer<typeof user>;
