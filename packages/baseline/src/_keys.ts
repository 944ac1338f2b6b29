/**
 * SSH public keys for the roster: one `type base64 comment` line, the type named inside the key blob matching the
 * type in front of it, and a key size OpenSSH and ssh-audit accept. A private key is refused with
 * E_SECRET_LITERAL, and its text is never repeated in an error, a log or a file.
 */
import { createHash } from "node:crypto";
import { PavedError, publicKeyProblem } from "@paved/core";

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
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const fail = (why: string): never => {
    throw new PavedError("E_INPUT", `${source} is not an SSH public key: ${why}`, {
      hint: "Use the one-line contents of a .pub file, like `ssh-ed25519 AAAAC3Nza… you@laptop` (ssh-keygen -y -f KEY prints it).",
      details: { source },
    });
  };
  if (lines.length !== 1) fail(lines.length === 0 ? "it is empty" : `it has ${lines.length} lines; give one key`);
  const [type = "", blob = "", ...comment] = lines[0]!.split(/\s+/);
  const problem = publicKeyProblem(lines[0]!);
  if (problem) fail(problem);
  const fingerprint = `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
  const line = [type, blob, ...comment].join(" ");
  return { type, line, comment: comment.join(" "), fingerprint };
}
