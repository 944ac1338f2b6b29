/**
 * The real grammars of the small values paved.yaml and the flags carry: DNS names (RFC 1123), user names
 * (what NixOS and shadow-utils accept), CI runner labels, URLs, flake references and CIDR networks. Each is a
 * predicate plus the words used in "expected …", so the schema and the CLI say the same thing.
 */
import { isIP } from "node:net";

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1–63 each, 253 in all. */
function isDnsName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.replace(/\.$/, "").split(".");
  // An all-numeric last label would read as an IPv4 address (RFC 1123 2.1).
  if (/^[0-9]+$/.test(labels.at(-1) ?? "")) return false;
  return labels.every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}
export const dnsNameExpected =
  "a host name (RFC 1123: letters, digits and -, dot-separated labels of at most 63) or an IP address";

export function isHostAddress(value: string): boolean {
  return isIP(value) !== 0 || isDnsName(value);
}

/**
 * A login name NixOS accepts for users.users (and shadow-utils' useradd): lower-case letter or _ first, then
 * lower-case letters, digits, _ and -, at most 32 (utmp's limit).
 */
export const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
export const userNameExpected =
  "a user name: a lower-case letter or _, then lower-case letters, digits, _ and - (at most 32)";

/**
 * A runner label (GitHub) or tag (GitLab). It lands in a workflow's `runs-on:` and a runner's registration
 * command line, so only characters that need no quoting anywhere.
 */
export const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const labelExpected =
  "a runner label: letters, digits, . _ and - (at most 100, starting with a letter or digit)";

/**
 * A branch name `git check-ref-format --branch` accepts, and that a GitHub `branches:` filter reads literally
 * (no glob characters, no leading `!`, which negates a filter).
 */
export function isBranchName(value: string): boolean {
  if (value.length === 0 || value.length > 255 || value === "@") return false;
  if (/[\x00-\x20\x7f~^:?*[\\!+]/.test(value) || value.includes("..") || value.includes("@{") || value.includes("//"))
    return false;
  if (value.startsWith("/") || value.endsWith("/") || value.endsWith(".") || value.startsWith("-")) return false;
  return value.split("/").every((part) => !part.startsWith(".") && !part.endsWith(".lock"));
}
export const branchNameExpected =
  "a git branch name like main or release/1.x (git check-ref-format; no glob characters)";

export interface UrlRules {
  schemes: readonly string[];
  /** Allow a query string (never credentials: the secret scanner sees every value first). */
  query?: boolean;
  /** Placeholders such as {host} that are replaced later. */
  placeholders?: readonly string[];
}

/** A URL with one of the schemes, a valid host, no userinfo and no whitespace or quotes. */
export function isUrl(value: string, rules: UrlRules): boolean {
  let text = value;
  for (const p of rules.placeholders ?? []) text = text.replaceAll(`{${p}}`, "placeholder");
  if (/[\s"'`\\<>{}]/.test(text)) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (!rules.schemes.includes(url.protocol.replace(/:$/, ""))) return false;
  if (url.username !== "" || url.password !== "" || url.hash !== "") return false;
  if (!rules.query && url.search !== "") return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return isHostAddress(host);
}

/**
 * A flake reference as `nix flake` reads it: `github:owner/repo[/ref]`, `gitlab:`/`sourcehut:` likewise,
 * `git+https://…`, `git+ssh://…`, `https://…` tarballs, `path:`/`git+file:` with absolute paths, or a registry
 * name (`flake:nixpkgs`). Query parameters such as `?ref=` and `?dir=` are allowed.
 */
export function isFlakeRef(value: string): boolean {
  if (/[\s"'`\\<>{}$]/.test(value)) return false;
  if (/^(\.{1,2}|\.{0,2}\/[^?#]*)$/.test(value)) return true;
  if (
    /^(github|gitlab|sourcehut):[A-Za-z0-9_.~-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./+-]+)?(\?[A-Za-z0-9_.=&%/+-]*)?$/.test(
      value,
    )
  )
    return true;
  if (/^(path|git\+file):\/[^?#]*(\?[A-Za-z0-9_.=&%/+-]*)?$/.test(value)) return true;
  if (/^flake:[A-Za-z][A-Za-z0-9_-]*(\/[A-Za-z0-9_./-]+)?$/.test(value)) return true;
  const m = /^(git\+https|git\+ssh|git\+http|https|http|tarball\+https|file\+https)(:\/\/.*)$/.exec(value);
  if (!m) return false;
  try {
    const url = new URL(`https${m[2]}`);
    if (url.password !== "") return false;
    return isHostAddress(url.hostname.replace(/^\[(.*)\]$/, "$1"));
  } catch {
    return false;
  }
}
export const flakeRefExpected =
  "a flake reference such as github:owner/repo/ref, git+ssh://git@host/owner/repo or git+https://host/owner/repo";

/** `address/prefix` with the host bits zero (10.0.0.0/8, not 10.0.0.1/8), prefix without leading zeros. */
export function isCidr(value: string): boolean {
  return cidrProblem(value) === undefined;
}

/** Why `value` is not a CIDR network; when only the host bits are set, the network it probably means. */
export function cidrProblem(value: string): { suggestion?: string } | undefined {
  const [ip, prefix, ...rest] = value.split("/");
  if (rest.length || ip === undefined || prefix === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return {};
  const family = isIP(ip);
  const bits = Number(prefix);
  const width = family === 4 ? 32 : family === 6 ? 128 : 0;
  if (width === 0 || bits > width) return {};
  const n = family === 4 ? ipv4ToBigInt(ip) : ipv6ToBigInt(ip);
  const hostMask = (1n << BigInt(width - bits)) - 1n;
  if ((n & hostMask) === 0n) return undefined;
  const network = n & ~hostMask;
  return { suggestion: `${family === 4 ? bigIntToIpv4(network) : bigIntToIpv6(network)}/${bits}` };
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function bigIntToIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join(".");
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === undefined || tail === "" ? [] : tail.split(":");
  const parts = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return parts.reduce((acc, part) => (acc << 16n) | BigInt(Number.parseInt(part, 16)), 0n);
}

function bigIntToIpv6(n: bigint): string {
  const parts = Array.from({ length: 8 }, (_, i) => ((n >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zeros, as RFC 5952 writes addresses.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (parts[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === "0") j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j;
  }
  if (best[0]! < 0) return parts.join(":");
  return `${parts.slice(0, best[0]).join(":")}::${parts.slice(best[0]! + best[1]!).join(":")}`;
}
