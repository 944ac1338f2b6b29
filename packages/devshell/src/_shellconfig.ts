/**
 * Detected shells → the `shells` section of paved.yaml, merged with what is already there: a pin without
 * `from` was set by a person and is kept; packages, unfree names, env and shellHook are the team's and are
 * only ever added to, never dropped.
 */
import {
  addToConfigList,
  deleteConfigValue,
  setConfigValue,
  type PavedConfig,
  type ShellConfig,
  type Toolchain,
} from "@paved/core";
import type { Document } from "yaml";
import type { PlannedShell } from "./detect/_shells.ts";
import { RUST_COMPONENTS } from "./nixpkgs/_tables.ts";

type Pins = ShellConfig["toolchains"];

export interface ShellChange {
  shell: string;
  kind:
    | "add-shell"
    | "drop-shell"
    | "keep-shell"
    | "set-pin"
    | "keep-manual-pin"
    | "drop-pin"
    | "add-package"
    | "add-unfree"
    | "set-dir"
    | "set-release";
  detail: string;
  /** The sub-project directory of an added or dropped shell. */
  dir?: string;
}

function pinsFor(shell: PlannedShell): Pins {
  const out: Pins = {};
  shell.pins.forEach((pin, i) => {
    const release = shell.resolutions[i]?.release;
    out[pin.toolchain] = {
      version: pin.version === "" ? "*" : pin.version,
      from: pin.file,
      ...(release ? { release } : {}),
    };
  });
  return out;
}

/** Apply planned shells to a paved.yaml document (for editConfig), returning what changed. */
export function applyShells(doc: Document, existing: PavedConfig["shells"], planned: PlannedShell[]): ShellChange[] {
  const changes: ShellChange[] = [];
  for (const shell of planned) {
    const before = existing[shell.name];
    const next = pinsFor(shell);
    if (!before) {
      const entry: Record<string, unknown> = {};
      if (shell.dir !== undefined) entry.dir = shell.dir;
      entry.toolchains = next;
      if (shell.packages.length > 0) entry.packages = shell.packages;
      if (shell.unfree.length > 0) entry.unfree = shell.unfree;
      setConfigValue(doc, ["shells", shell.name], entry);
      changes.push({ shell: shell.name, kind: "add-shell", detail: `shell ${shell.name} added` });
      continue;
    }
    if (shell.dir !== undefined && before.dir !== shell.dir) {
      setConfigValue(doc, ["shells", shell.name, "dir"], shell.dir);
      changes.push({ shell: shell.name, kind: "set-dir", detail: `dir: ${shell.dir}` });
    }
    for (const [toolchain, pin] of Object.entries(next) as [Toolchain, NonNullable<Pins[Toolchain]>][]) {
      const had = before.toolchains[toolchain];
      if (had && had.from === undefined) {
        if (had.version !== pin.version)
          changes.push({
            shell: shell.name,
            kind: "keep-manual-pin",
            detail: `${toolchain} ${had.version} kept (set by hand; detection says ${pin.version} from ${pin.from})`,
          });
        continue;
      }
      if (had && had.version === pin.version && had.from === pin.from && had.release === pin.release) continue;
      // An attribute override set by hand survives a version change.
      setConfigValue(
        doc,
        ["shells", shell.name, "toolchains", toolchain],
        had?.attr ? { ...pin, attr: had.attr } : pin,
      );
      changes.push({
        shell: shell.name,
        kind: "set-pin",
        detail: `${toolchain} ${had ? `${had.version} → ` : ""}${pin.version} (${pin.from})${pin.release ? ` from ${pin.release}` : ""}`,
      });
    }
    for (const [toolchain, had] of Object.entries(before.toolchains) as [Toolchain, NonNullable<Pins[Toolchain]>][]) {
      if (next[toolchain] || had.from === undefined) continue;
      deleteConfigValue(doc, ["shells", shell.name, "toolchains", toolchain]);
      changes.push({
        shell: shell.name,
        kind: "drop-pin",
        detail: `${toolchain} dropped (${had.from} no longer pins it)`,
      });
    }
    for (const p of shell.packages) {
      if (
        !before.packages.includes(p) &&
        addToConfigList(doc, ["shells", shell.name, "packages"], p, { unique: true })
      ) {
        changes.push({ shell: shell.name, kind: "add-package", detail: p });
      }
    }
    for (const u of shell.unfree) {
      if (!before.unfree.includes(u) && addToConfigList(doc, ["shells", shell.name, "unfree"], u, { unique: true })) {
        changes.push({ shell: shell.name, kind: "add-unfree", detail: u });
      }
    }
  }
  // A sub-project shell detection no longer plans (its directory is gone, or it now shares its parent's shell)
  // is removed when detection made all of it; one a person added to is kept and reported.
  const planned_ = new Set(planned.map((s) => s.name));
  for (const [name, before] of Object.entries(existing)) {
    if (name === "default" || planned_.has(name) || before.dir === undefined) continue;
    if (isDetectedOnly(before)) {
      deleteConfigValue(doc, ["shells", name]);
      changes.push({
        shell: name,
        kind: "drop-shell",
        dir: before.dir,
        detail: `shell ${name} removed (nothing in ${before.dir} needs a shell of its own any more)`,
      });
    } else {
      changes.push({
        shell: name,
        kind: "keep-shell",
        detail: `shell ${name} kept: detection no longer needs it, but it has settings made by hand`,
      });
    }
  }
  return changes;
}

/** Every pin came from a file, and nothing else was set by a person (rust components are detection's). */
function isDetectedOnly(shell: ShellConfig): boolean {
  const detectedPackages = new Set(Object.values(RUST_COMPONENTS));
  return (
    Object.values(shell.toolchains).every((pin) => pin?.from !== undefined && pin.attr === undefined) &&
    shell.packages.every((p) => detectedPackages.has(p)) &&
    Object.keys(shell.env).length === 0 &&
    shell.shellHook === undefined
  );
}

/** The shells section for a brand-new paved.yaml. */
export function newShells(planned: PlannedShell[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const shell of planned) {
    out[shell.name] = {
      ...(shell.dir === undefined ? {} : { dir: shell.dir }),
      toolchains: pinsFor(shell),
      ...(shell.packages.length > 0 ? { packages: shell.packages } : {}),
      ...(shell.unfree.length > 0 ? { unfree: shell.unfree } : {}),
    };
  }
  return out;
}
