/**
 * docs/reference/options.md: every `paved.*` option, read from the modules' own declarations by evaluating them
 * with real Nix (any nixpkgs flake with lib.nixosSystem; the repository uses the fixture). Defaults and examples
 * are shown as Nix, through the core renderer.
 */
import { id, nix, renderNix, type NixValue } from "@paved/core";
import { evalNixos, type EvalNixosOptions } from "./_eval.ts";

export interface OptionDoc {
  name: string;
  type: string;
  description: string;
  default?: { text: string } | { json: NixValue };
  example?: { text: string } | { json: NixValue };
}

const COLLECT = nix`
  s:
  let
    shown = v: if builtins.isAttrs v && (v._type or null) == "literalExpression" then { text = v.text; } else { json = v; };
    walk = path: node:
      if (node._type or null) == "option" then [ ({
        name = lib.concatStringsSep "." path;
        type = node.type.description;
        description = node.description or "";
      } // lib.optionalAttrs (node ? defaultText || node ? default) { default = shown (node.defaultText or node.default); }
        // lib.optionalAttrs (node ? example) { example = shown node.example; }) ]
      else lib.concatMap (n: walk (path ++ [ n ]) node.\${n}) (builtins.attrNames node);
  in walk [ "paved" ] s.options.paved`;

// Boot and file system settings every NixOS host needs; not part of what is documented.
const BOOTABLE = nix`{ fileSystems."/".device = "/dev/sda1"; boot.loader.grub.device = "/dev/sda"; }`;

export function collectOptionDocs(options: Pick<EvalNixosOptions, "nixpkgs" | "env" | "signal">): Promise<OptionDoc[]> {
  return evalNixos<OptionDoc[]>({ ...options, modules: [id("paved.default"), BOOTABLE], select: COLLECT });
}

function shown(value: OptionDoc["default"]): string {
  if (value === undefined) return "";
  const text = "text" in value ? value.text.trim() : renderNix(value.json, { trailingNewline: false });
  return text.includes("\n")
    ? `\n\n  \`\`\`nix\n${text
        .split("\n")
        .map((l) => `  ${l}`)
        .join("\n")}\n  \`\`\``
    : ` \`${text}\``;
}

const SECTIONS: Record<string, string> = {
  baseline: "Security baseline (`nixosModules.baseline`)",
  bastion: "Bastion / jump host (`nixosModules.bastion`)",
  logging: "Log shipping (`nixosModules.logging`)",
  monitoring: "Monitoring (`nixosModules.monitoring`)",
  team: "Team roster (`nixosModules.team`, rendered from paved.yaml into team.nix)",
};

export function renderOptionsReference(docs: OptionDoc[]): string {
  const out = [
    "# `paved.*` NixOS options",
    "",
    "Generated from the option declarations in `packages/baseline/nix/` by",
    "`pnpm --filter @paved/baseline gen:options`; a test fails when this file is out of date. Do not edit by hand.",
    "",
    "The modules target nixos-26.05 and nixos-unstable. Every default is a `mkDefault`, so a host overrides any of",
    "them by setting the option (or the NixOS option underneath) directly.",
  ];
  const sorted = [...docs].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const [key, title] of Object.entries(SECTIONS)) {
    const section = sorted.filter((d) => d.name.split(".")[1] === key);
    if (!section.length) continue;
    out.push("", `## ${title}`);
    for (const doc of section) {
      out.push("", `### \`${doc.name}\``, "", doc.description.trim().replace(/\n\s*/g, " "), "", `- Type: ${doc.type}`);
      if (doc.default) out.push(`- Default:${shown(doc.default)}`);
      if (doc.example) out.push(`- Example:${shown(doc.example)}`);
    }
  }
  return `${out.join("\n")}\n`;
}
