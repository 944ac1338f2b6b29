/**
 * The team roster (paved.yaml `team`) as team.nix in the platform repository: plain data for the paved.team
 * options of nix/team.nix, which every host imports. Keys given as paths of .pub files are read here, so the
 * rendered file is self-contained; every key is checked again before anything is written.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import {
  attrs,
  PavedError,
  renderNix,
  TEAM_FILE,
  type GeneratedFile,
  type PavedConfig,
  type TeamConfig,
} from "@paved/core";
import { parsePublicKey } from "./_keys.ts";

export interface RosterUser {
  name: string;
  keys: string[];
  groups: string[];
  expires?: string;
  jumpOnly: boolean;
  description?: string;
}

async function resolveKey(value: string, root: string, where: string): Promise<string> {
  if (!/\.pub$/.test(value) || /\s/.test(value.trim())) return parsePublicKey(value, where).line;
  const file = isAbsolute(value) ? value : join(root, value);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PavedError("E_FILE_READ", `${where}: cannot read the key file ${value}: ${(error as Error).message}`, {
      hint: "Paths of .pub files are relative to paved.yaml; check the file exists.",
      details: { file },
    });
  }
  return parsePublicKey(text, `${where} (${value})`).line;
}

/** Roster users with every key as a checked one-line public key, sorted by name. */
export async function rosterUsers(team: TeamConfig | undefined, root: string): Promise<RosterUser[]> {
  const users: RosterUser[] = [];
  for (const [name, user] of Object.entries(team?.users ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const keys: string[] = [];
    for (const [i, key] of user.keys.entries()) keys.push(await resolveKey(key, root, `team.users.${name}.keys[${i}]`));
    users.push({
      name,
      keys: [...new Set(keys)],
      groups: user.groups,
      jumpOnly: user.jumpOnly,
      ...(user.expires === undefined ? {} : { expires: user.expires }),
      ...(user.description === undefined ? {} : { description: user.description }),
    });
  }
  return users;
}

/** team.nix, or undefined when the config has no roster. */
export async function renderTeamFile(config: PavedConfig, root: string): Promise<GeneratedFile | undefined> {
  if (config.team === undefined) return undefined;
  const users = await rosterUsers(config.team, root);
  const user = (u: RosterUser) =>
    attrs({
      keys: u.keys,
      ...(u.groups.length ? { groups: u.groups } : {}),
      ...(u.expires ? { expires: u.expires } : {}),
      ...(u.jumpOnly ? { jumpOnly: true } : {}),
      ...(u.description ? { description: u.description } : {}),
    });
  const body = attrs([
    [["paved", "team", "groups"], config.team.groups],
    [["paved", "team", "users"], attrs(users.map((u) => [u.name, user(u)] as const))],
  ]);
  const comment = [
    "# The team roster from paved.yaml, for the paved.team options of paved's NixOS modules.",
    "# Every host imports it; a user removed here loses their account and keys on the next deploy.",
  ].join("\n");
  return { path: TEAM_FILE, content: `${comment}\n${renderNix(body)}`, source: "paved.yaml (team)" };
}
