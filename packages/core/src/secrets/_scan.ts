/**
 * The secret scanner every value passes through before it reaches paved.yaml, a generated file, a command line
 * or the Nix store. Three layers: known credential formats anywhere in the text, credentials inside URLs
 * (userinfo with a password, credential query parameters), and — for values that should never hold a secret —
 * a high-entropy check on the whole value. Findings carry a masked form only; the secret itself never leaves.
 */
import { SECRET_FORMATS, SECRET_NAME, SECRET_QUERY_PARAM } from "./_formats.ts";

export interface SecretFinding {
  /** Format id: "github-token", "url-password", "high-entropy" … */
  kind: string;
  /** What it is, for a person ("a GitHub token"). */
  label: string;
  /** Printable: the prefix or the shape, never the body. */
  masked: string;
  /** Offset of the match in the scanned text (for line:col in files). */
  index: number;
}

export interface ScanOptions {
  /** Also flag a whole value that looks random (for fields that must never hold a secret). Default false. */
  entropy?: boolean;
  /** The name the value is stored under (a map key, a flag): `AWS_SECRET_ACCESS_KEY`, `password`. */
  name?: string;
}

// The start of every URL, even one glued to the end of another (`https://a/xhttps://u:pw@b`).
const URL_START = /[a-z][a-z0-9+.-]*:\/\/(?=[^\s"'`<>])/gi;

function urlFinding(url: string, index: number): SecretFinding | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)![0];
  const rest = url.slice(scheme.length);
  const authority = rest.split(/[/?#]/, 1)[0] ?? "";
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    // ssh://git@host is a user name, not a credential; http(s) has no reason to carry one at all.
    if (userinfo.includes(":") || /^https?:\/\//i.test(scheme)) {
      return {
        kind: "url-credentials",
        label: "credentials in a URL (user:password@)",
        masked: `${scheme}…@${authority.slice(at + 1)}`,
        index,
      };
    }
  }
  const start = rest.search(/[?#]/);
  if (start < 0) return undefined;
  for (const pair of rest.slice(start + 1).split(/[&;#?]/)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = safeDecode(pair.slice(0, eq));
    if (SECRET_QUERY_PARAM.test(key) && pair.length > eq + 1) {
      const host = authority.slice(at + 1);
      return {
        kind: "url-query-secret",
        label: `a credential in a URL query (${key}=)`,
        masked: `${scheme}${host}/…?${key}=…`,
        index,
      };
    }
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function entropyBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A long run of token characters with high entropy and both letters and digits. Paths contain "/", so a path
 * never matches; 4.2 bits per character is above any hex string (at most 4), so commit and store hashes pass.
 */
export function isHighEntropy(value: string): boolean {
  const v = value.trim();
  if (v.length < 32 || !/^[A-Za-z0-9_\-+=.]+$/.test(v)) return false;
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  return entropyBitsPerChar(v) >= 4.2;
}

/** A value stored under a secret-sounding name that is a literal, not a reference to one. */
function namedSecret(name: string, value: string): boolean {
  const v = value.trim();
  // camelCase `tokenSecret` and the like name a CI secret variable; they hold its name, not its value.
  if (/[a-z]Secret$/.test(name)) return false;
  if (!SECRET_NAME.test(name.replace(/[_-]?(file|path|name|var|variable|env|secret_?name)$/i, "x")) || v.length < 8)
    return false;
  // References are fine: a path, an environment variable, a CI expression, a CONSTANT_CASE secret name.
  return !(v.startsWith("/") || v.includes("$") || /^[A-Z][A-Z0-9_]*$/.test(v) || /\s/.test(v));
}

// Every format in one case-insensitive pass: a superset of what the formats match, so most values (names,
// versions, paths) are cleared with one regex instead of thirty. Every value of paved.yaml goes through here.
// Built on first use, and only for text long enough to hold a token: compiling it is a millisecond, which every
// start-up paid to screen argv words like `--version`. No format matches fewer than 15 characters (the shortest is
// a Slack token, `xoxb-` and ten more; see the boundary test).
const SHORTEST_SECRET_FORMAT = 15;
let anyFormatRegex: RegExp | undefined;
function matchesAnyFormat(text: string): boolean {
  if (text.length < SHORTEST_SECRET_FORMAT) return false;
  anyFormatRegex ??= new RegExp(SECRET_FORMATS.map((f) => `(?:${f.pattern.source})`).join("|"), "i");
  return anyFormatRegex.test(text);
}

/** Every secret in `text`, in order of appearance. */
export function scanSecrets(text: string, options: ScanOptions = {}): SecretFinding[] {
  const found: SecretFinding[] = [];
  const anyFormat = matchesAnyFormat(text);
  for (const format of anyFormat ? SECRET_FORMATS : []) {
    for (const match of text.matchAll(format.pattern)) {
      if (format.accept && !format.accept(match[0])) continue;
      found.push({ kind: format.id, label: format.label, masked: format.show(match[0]), index: match.index });
    }
  }
  for (const match of text.includes("://") ? text.matchAll(URL_START) : []) {
    const url = /^[^\s"'`<>]+/.exec(text.slice(match.index))![0];
    const finding = urlFinding(url, match.index);
    if (finding && !found.some((f) => f.index >= match.index && f.index < match.index + url.length))
      found.push(finding);
  }
  if (found.length === 0 && options.name !== undefined && namedSecret(options.name, text)) {
    found.push({
      kind: "named-secret",
      label: `a literal value for ${options.name}`,
      masked: `${text.trim().slice(0, 2)}…`,
      index: 0,
    });
  }
  if (found.length === 0 && options.entropy && isHighEntropy(text)) {
    found.push({
      kind: "high-entropy",
      label: "what looks like a random token",
      masked: `${text.trim().slice(0, 2)}…`,
      index: text.indexOf(text.trim()),
    });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The first secret in `text`, if any. */
export function findSecret(text: string, options: ScanOptions = {}): SecretFinding | undefined {
  return scanSecrets(text, options)[0];
}

/** Whether a value looks like a credential: a known format, a URL credential, or a random-looking whole value. */
export function looksLikeSecret(value: string): boolean {
  return findSecret(value, { entropy: true }) !== undefined;
}

/** A form of the value that is safe to print: the token kind, never its body. */
export function maskSecret(value: string): string {
  // Two printable characters at most: never a control or bidi character that would act on the terminal.
  return (
    findSecret(value, { entropy: true })?.masked ??
    `${value
      .trim()
      .slice(0, 2)
      .replace(/[^\x21-\x7e]/g, "?")}…`
  );
}
