/** Check every attribute a rendered flake uses against a real nixpkgs, with one `nix eval`. */
import { nixpkgsBranch, type PavedConfig } from "@paved/core";
import { probeAttributes } from "./nixpkgs/_probe.ts";
import { orderedShells, shellAttributes } from "./render/_flake.ts";

export interface Verification {
  /** The nixpkgs that was asked. */
  source: string;
  /** attr → exact version in that nixpkgs ("" when it has none). */
  versions: Record<string, string>;
  missing: { attr: string; shells: string[]; near: string[] }[];
}

export async function verifyAttributes(
  root: string,
  config: PavedConfig,
  options: { nixpkgs?: string; signal?: AbortSignal; env?: Record<string, string | undefined> } = {},
): Promise<Verification> {
  const release = nixpkgsBranch(config.nixpkgs.release);
  const users = new Map<string, string[]>();
  for (const [name, shell] of orderedShells(config)) {
    for (const attr of shellAttributes(shell, release).attrs) users.set(attr, [...(users.get(attr) ?? []), name]);
  }
  if (users.size === 0) return { source: options.nixpkgs ?? config.nixpkgs.path ?? "", versions: {}, missing: [] };
  const probe = await probeAttributes(root, [...users.keys()], {
    nixpkgs: config.nixpkgs,
    ...(options.nixpkgs ? { override: options.nixpkgs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const versions: Record<string, string> = {};
  const missing: Verification["missing"] = [];
  for (const [attr, version] of Object.entries(probe.found)) {
    if (version === null) missing.push({ attr, shells: users.get(attr) ?? [], near: probe.near[attr] ?? [] });
    else versions[attr] = version;
  }
  return { source: probe.source, versions, missing };
}
