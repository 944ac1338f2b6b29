/**
 * From projects to dev shells. The `default` shell (repository root) has the root's own pins plus every
 * toolchain most projects use; a sub-project gets its own shell only when it needs something the default shell
 * does not give it (another toolchain, or another version line). Its shell is the default one with its own pins
 * on top, so workspace-wide tools stay at hand inside it.
 */
import type { Toolchain } from "@paved/core";
import { pinAccepts, resolvePin, type Resolution } from "../nixpkgs/_resolve.ts";
import { RUST_COMPONENTS } from "../nixpkgs/_tables.ts";
import type { Detection, Pin, Project } from "./_types.ts";

export interface PlannedShell {
  name: string;
  /** Sub-project directory; undefined for `default`. */
  dir?: string;
  pins: Pin[];
  resolutions: Resolution[];
  /** Extra attributes (rust components). */
  packages: string[];
  unfree: string[];
  /** Project directories this shell serves. */
  serves: string[];
  /** Why this shell exists, for sub-project shells. */
  why?: string;
}

// Thousands of workspace members repeat the same few pins; resolve each distinct one once.
const resolved = new Map<string, Resolution>();
function resolveCached(pin: Pin, release: string): Resolution {
  const key = `${release}\u0000${pin.toolchain}\u0000${pin.version}`;
  let r = resolved.get(key);
  if (!r) resolved.set(key, (r = resolvePin(pin.toolchain, pin.version, release)));
  return r;
}

function attrOf(pin: Pin, release: string): string | undefined {
  return resolveCached(pin, release).attr;
}

function shellName(dir: string, taken: Set<string>): string {
  const parts = dir.split("/");
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[^A-Za-z_]+/, "") || "shell";
  let name = clean(parts.at(-1)!);
  for (let i = parts.length - 2; (taken.has(name) || name === "default") && i >= 0; i--) name = clean(parts.slice(i).join("-"));
  let n = 2;
  const base = name;
  while (taken.has(name) || name === "default") name = `${base}-${n++}`;
  taken.add(name);
  return name;
}

function extrasFor(pins: Pin[], projects: Project[], release: string): { packages: string[]; unfree: string[]; resolutions: Resolution[] } {
  const resolutions = pins.map((p) => resolveCached(p, release));
  const unfree = [...new Set(resolutions.flatMap((r) => (r.unfree ? [r.unfree] : [])))].sort();
  const components = new Set<string>();
  for (const project of projects) for (const c of project.rust?.components ?? []) if (RUST_COMPONENTS[c]) components.add(RUST_COMPONENTS[c]);
  return { packages: pins.some((p) => p.toolchain === "rust") ? [...components].sort() : [], unfree, resolutions };
}

export function planShells(detection: Detection, release: string): PlannedShell[] {
  const root = detection.projects.find((p) => p.dir === "");
  const subs = detection.projects.filter((p) => p.dir !== "");
  const population = detection.projects.length;
  const base = new Map<Toolchain, Pin>();
  for (const pin of root?.pins ?? []) base.set(pin.toolchain, pin);

  // Toolchains most projects use go into the default shell, at the version most of them resolve to.
  const users = new Map<Toolchain, Pin[]>();
  for (const project of subs) for (const pin of project.pins) users.set(pin.toolchain, [...(users.get(pin.toolchain) ?? []), pin]);
  for (const [toolchain, pins] of users) {
    if (base.has(toolchain) || pins.length * 2 <= population) continue;
    const byAttr = new Map<string, Pin[]>();
    for (const pin of pins) {
      const key = pin.version === "" ? "" : attrOf(pin, release) ?? "";
      byAttr.set(key, [...(byAttr.get(key) ?? []), pin]);
    }
    const versioned = [...byAttr.entries()].filter(([k]) => k !== "").sort((a, b) => b[1].length - a[1].length);
    base.set(toolchain, versioned[0]?.[1][0] ?? pins[0]!);
  }

  const defaultPins = [...base.values()].sort((a, b) => (a.toolchain < b.toolchain ? -1 : 1));
  const shells: PlannedShell[] = [];
  const defaultServes: string[] = root ? [""] : [];
  const taken = new Set<string>(["default"]);
  for (const project of subs) {
    const differing = project.pins.filter((pin) => {
      const have = base.get(pin.toolchain);
      if (!have) return true;
      if (pin.version === "") return false;
      const haveAttr = attrOf(have, release);
      if (haveAttr === attrOf(pin, release)) return false;
      // A range the default shell's version already satisfies needs no shell of its own.
      return !(haveAttr && pin.strength !== "exact" && pinAccepts(pin.toolchain, pin.version, haveAttr, release));
    });
    if (differing.length === 0) {
      defaultServes.push(project.dir);
      continue;
    }
    const merged = new Map(base);
    for (const pin of project.pins) if (differing.includes(pin) || !merged.has(pin.toolchain)) merged.set(pin.toolchain, pin);
    const pins = [...merged.values()].sort((a, b) => (a.toolchain < b.toolchain ? -1 : 1));
    const extras = extrasFor(pins, [project, ...(root ? [root] : [])], release);
    const why = differing
      .map((pin) => {
        const have = base.get(pin.toolchain);
        return have ? `${pin.toolchain} ${pin.version} (${pin.file}) differs from the default shell's ${pin.toolchain} ${have.version || "(unpinned)"}` : `${pin.toolchain} is not in the default shell (${pin.file})`;
      })
      .join("; ");
    shells.push({ name: shellName(project.dir, taken), dir: project.dir, pins, ...extras, serves: [project.dir], why });
  }
  const served = new Set(defaultServes);
  const defaultExtras = extrasFor(defaultPins, detection.projects.filter((p) => served.has(p.dir)), release);
  shells.unshift({ name: "default", pins: defaultPins, ...defaultExtras, serves: defaultServes });
  return shells;
}
