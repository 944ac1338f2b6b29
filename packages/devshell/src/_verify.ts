/** Check every attribute a rendered flake uses against a real nixpkgs, with one `nix eval`. */
import { nixpkgsBranch, type PavedConfig, type Toolchain } from "@paved/core";
import { probeAttributes } from "./nixpkgs/_probe.ts";
import { contains, parseRange, parseVersion } from "./nixpkgs/_range.ts";
import { releaseTable } from "./nixpkgs/_tables.ts";
import { orderedShells, shellAttributes } from "./render/_flake.ts";

/**
 * A pin whose version line fits but whose exact version in this nixpkgs does not: `^24.15.0` maps to the
 * nodejs_24 line, yet the checkout may carry 24.11.1. Found only once `nix eval` tells the real version.
 */
interface UnmetPin {
  shell: string;
  toolchain: Toolchain;
  asked: string;
  attr: string;
  version: string;
  /** Other attributes of the same toolchain in this nixpkgs whose version the pin accepts. */
  better: { attr: string; version: string }[];
  /** One sentence: asked, got, why, what to do. */
  reason: string;
}

export interface Verification {
  /** The nixpkgs that was asked. */
  source: string;
  /** attr → exact version in that nixpkgs ("" when it has none). */
  versions: Record<string, string>;
  missing: { attr: string; shells: string[]; near: string[] }[];
  /** Pins the exact version of their attribute does not satisfy. */
  unmet: UnmetPin[];
}

export async function verifyAttributes(
  root: string,
  config: PavedConfig,
  options: { nixpkgs?: string; signal?: AbortSignal; env?: Record<string, string | undefined> } = {},
): Promise<Verification> {
  const release = nixpkgsBranch(config.nixpkgs.release);
  const users = new Map<string, string[]>();
  // Ranged pins whose mapping says "satisfied" are checked against the real version; every line of their
  // toolchain is probed too (same single nix eval), so a better attribute can be named.
  const ranged: { shell: string; toolchain: Toolchain; asked: string; attr: string }[] = [];
  const lines = new Set<string>();
  for (const [name, shell] of orderedShells(config)) {
    const rendered = shellAttributes(shell, release);
    // The local nixpkgs is the pinned release: attributes from another release cannot be checked against it.
    for (const attr of rendered.attrs)
      if (!Object.hasOwn(rendered.fromRelease, attr)) users.set(attr, [...(users.get(attr) ?? []), name]);
    for (const r of rendered.resolutions) {
      const hand = shell.toolchains[r.toolchain]?.attr !== undefined;
      if (hand || r.release || !r.attr || r.status !== "satisfied" || r.asked === "" || r.asked === "*") continue;
      ranged.push({ shell: name, toolchain: r.toolchain, asked: r.asked, attr: r.attr });
      for (const line of releaseTable(release).table[r.toolchain]?.lines ?? []) lines.add(line.attr);
    }
  }
  if (users.size === 0)
    return { source: options.nixpkgs ?? config.nixpkgs.path ?? "", versions: {}, missing: [], unmet: [] };
  const probe = await probeAttributes(root, [...new Set([...users.keys(), ...lines])], {
    nixpkgs: config.nixpkgs,
    ...(options.nixpkgs ? { override: options.nixpkgs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const versions: Record<string, string> = {};
  const missing: Verification["missing"] = [];
  for (const [attr, version] of Object.entries(probe.found)) {
    if (!users.has(attr)) continue;
    if (version === null) missing.push({ attr, shells: users.get(attr) ?? [], near: probe.near[attr] ?? [] });
    else versions[attr] = version;
  }
  const unmet: UnmetPin[] = [];
  for (const pin of ranged) {
    const version = versions[pin.attr];
    const range = parseRange(pin.asked);
    const exact = version ? parseVersion(version) : undefined;
    if (!range || !exact || contains(range, exact.v)) continue;
    const better = (releaseTable(release).table[pin.toolchain]?.lines ?? [])
      .map((l) => ({ attr: l.attr, version: probe.found[l.attr] ?? "" }))
      .filter(
        (b) => b.attr !== pin.attr && b.version !== "" && contains(range, parseVersion(b.version)?.v ?? [0, 0, 0]),
      );
    const what = `asked ${pin.asked}, got ${pin.attr} ${version}: this nixpkgs' ${pin.attr} is outside the range`;
    const todo =
      better.length > 0
        ? `${better.map((b) => `${b.attr} (${b.version})`).join(", ")} ${better.length > 1 ? "are" : "is"} inside it: set shells.${pin.shell}.toolchains.${pin.toolchain}.attr to ${better.at(-1)!.attr} in paved.yaml`
        : "no other line of this nixpkgs is: update the nixpkgs input, pin another release with nixpkgs.release in paved.yaml, or change the pin";
    unmet.push({ ...pin, version: version!, better, reason: `${what}; ${todo}` });
  }
  return { source: probe.source, versions, missing, unmet };
}
