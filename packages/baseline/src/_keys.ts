/**
 * SSH public keys for the roster: one `type base64 comment` line, the type named inside the key blob matching the
 * type in front of it, and a key size OpenSSH and ssh-audit accept. A private key is refused with
 * E_SECRET_LITERAL, and its text is never repeated in an error, a log or a file.
 */
import { createHash } from "node:crypto";
import { PavedError } from "@paved/core";

export const PUBLIC_KEY_TYPES = [
  "ssh-ed25519",
  "sk-ssh-ed25519@openssh.com",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  "ssh-rsa",
] as const;

export interface PublicKey {
  type: string;
  /** `type base64 [comment]`, normalised to single spaces. */
  line: string;
  comment: string;
  /** As ssh-keygen -l prints it: SHA256:… */
  fingerprint: string;
}

const PRIVATE_MARKERS = [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, /PuTTY-User-Key-File/, /^b3BlbnNzaC1rZXktdjE/m];

/** Whether text looks like a private key (PEM/OpenSSH/PuTTY); callers must not echo such text. */
export function looksLikePrivateKey(text: string): boolean {
  return PRIVATE_MARKERS.some((marker) => marker.test(text));
}

/** Reads the length-prefixed strings of an SSH wire-format blob. */
function wireStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 4 <= blob.length) {
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) throw new Error("truncated");
    out.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== blob.length) throw new Error("trailing bytes");
  return out;
}

function mpintBits(value: Buffer): number {
  let start = 0;
  while (start < value.length && value[start] === 0) start++;
  if (start === value.length) return 0;
  return (value.length - start - 1) * 8 + (32 - Math.clz32(value[start]!));
}

/** Why a decoded key is not acceptable, or undefined. */
function keyProblem(type: string, parts: Buffer[]): string | undefined {
  if (parts[0]?.toString("latin1") !== type) return `its data says it is a ${parts[0]?.toString("latin1") ?? "?"} key, not ${type}`;
  if (type === "ssh-ed25519" || type === "sk-ssh-ed25519@openssh.com") {
    if (parts[1]?.length !== 32) return "an Ed25519 key must hold 32 bytes";
  } else if (type === "ssh-rsa") {
    const bits = mpintBits(parts[2] ?? Buffer.alloc(0));
    // ssh-audit fails RSA keys under 2048 bits (and OpenSSH refuses them since 8.8 / RequiredRSASize).
    if (bits < 2048) return `an RSA key must have at least 2048 bits (this one has ${bits})`;
  } else {
    const curve = type.replace(/^sk-/, "").replace(/@openssh\.com$/, "").replace("ecdsa-sha2-", "");
    if (parts[1]?.toString("latin1") !== curve) return `an ${type} key must use curve ${curve}`;
  }
  return undefined;
}

/**
 * Parses one public key line. `source` names where it came from (a file, paved.yaml) for the error message.
 * Throws E_SECRET_LITERAL for a private key and E_INPUT for anything else that is not a usable public key.
 */
export function parsePublicKey(text: string, source: string): PublicKey {
  if (looksLikePrivateKey(text)) {
    throw new PavedError("E_SECRET_LITERAL", `${source} holds a private SSH key; paved refused it and wrote nothing`, {
      hint: "Give the public half instead (the .pub file, e.g. ~/.ssh/id_ed25519.pub). Never share the private key.",
      details: { source },
    });
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const fail = (why: string): never => {
    throw new PavedError("E_INPUT", `${source} is not an SSH public key: ${why}`, {
      hint: "Use the one-line contents of a .pub file, like `ssh-ed25519 AAAAC3Nza… you@laptop` (ssh-keygen -y -f KEY prints it).",
      details: { source },
    });
  };
  if (lines.length !== 1) fail(lines.length === 0 ? "it is empty" : `it has ${lines.length} lines; give one key`);
  const [type = "", blob = "", ...comment] = lines[0]!.split(/\s+/);
  if (!(PUBLIC_KEY_TYPES as readonly string[]).includes(type)) {
    fail(`"${type.slice(0, 40)}" is not a key type paved accepts (${PUBLIC_KEY_TYPES.join(", ")})`);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blob.length % 4 !== 0) fail("the key data is not base64");
  let parts: Buffer[] = [];
  try {
    parts = wireStrings(Buffer.from(blob, "base64"));
  } catch {
    fail("the key data is damaged (it does not decode as an SSH key)");
  }
  const problem = keyProblem(type, parts);
  if (problem) fail(problem);
  const fingerprint = `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
  const line = [type, blob, ...comment].join(" ");
  return { type, line, comment: comment.join(" "), fingerprint };
}
