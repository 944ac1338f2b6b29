/**
 * From projects to dev shells. The `default` shell (repository root) has the root's own pins plus every
 * toolchain most projects use; a sub-project gets its own shell only when it needs something the default shell
 * does not give it (another toolchain, or another version line). Its shell is the default one with its own pins
 * on top, so workspace-wide tools stay at hand inside it.
 */
import type { Toolchain } from "@paved/core";
import { resolveAcross, type CrossResolution } from "../nixpkgs/_releases.ts";
import { pinAccepts } from "../nixpkgs/_resolve.ts";
import { RUST_COMPONENTS } from "../nixpkgs/_tables.ts";
import { isTooling } from "./_projects.ts";
import type { Detection, Pin, Project } from "./_types.ts";

export interface PlannedShell {
  name: string;
  /** Sub-project directory; undefined for `default`. */
  dir?: string;
  pins: Pin[];
  resolutions: CrossResolution[];
  /** Extra attributes (rust components). */
  packages: string[];
  unfree: string[];
  /** Project directories this shell serves. */
  serves: string[];
  /** Why this shell exists, for sub-project shells. */
  why?: string;
}

/** Whether a line the pinned release lacks may come from another release (`paved init --pinned-release-only` says no). */
let pinnedOnly = false;

// Thousands of workspace members repeat the same few pins; resolve each distinct one once.
const resolved = new Map<string, CrossResolution>();
function resolveCached(pin: Pin, release: string): CrossResolution {
  const key = `${release}\u0000${pinnedOnly}\u0000${pin.toolchain}\u0000${pin.version}`;
  let r = resolved.get(key);
  if (!r) resolved.set(key, (r = resolveAcross(pin.toolchain, pin.version, release, { pinnedOnly })));
  return r;
}

function attrOf(pin: Pin, release: string): string | undefined {
  return resolveCached(pin, release).attr;
}

function shellName(dir: string, taken: Set<string>): string {
  const parts = dir.split("/");
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[^A-Za-z_]+/, "") || "shell";
  let name = clean(parts.at(-1)!);
  for (let i = parts.length - 2; (taken.has(name) || name === "default") && i >= 0; i--)
    name = clean(parts.slice(i).join("-"));
  let n = 2;
  const base = name;
  while (taken.has(name) || name === "default") name = `${base}-${n++}`;
  taken.add(name);
  return name;
}

function extrasFor(
  pins: Pin[],
  projects: Project[],
  release: string,
): { packages: string[]; unfree: string[]; resolutions: CrossResolution[] } {
  const resolutions = pins.map((p) => resolveCached(p, release));
  const unfree = [...new Set(resolutions.flatMap((r) => (r.unfree ? [r.unfree] : [])))].sort();
  const components = new Set<string>();
  for (const project of projects)
    for (const c of project.rust?.components ?? []) if (RUST_COMPONENTS[c]) components.add(RUST_COMPONENTS[c]);
  return { packages: pins.some((p) => p.toolchain === "rust") ? [...components].sort() : [], unfree, resolutions };
}

/** The pin most sub-projects resolve to (by attribute), for a toolchain the root names without a version. */
function commonPin(pins: Pin[], release: string): Pin | undefined {
  const byAttr = new Map<string, Pin[]>();
  for (const pin of pins) {
    const key = pin.version === "" ? "" : (attrOf(pin, release) ?? "");
    byAttr.set(key, [...(byAttr.get(key) ?? []), pin]);
  }
  return [...byAttr.entries()].filter(([k]) => k !== "").sort((a, b) => b[1].length - a[1].length)[0]?.[1][0];
}

export function planShells(
  detection: Detection,
  release: string,
  options: { pinnedOnly?: boolean } = {},
): PlannedShell[] {
  pinnedOnly = options.pinnedOnly === true;
  const root = detection.projects.find((p) => p.dir === "");
  const subs = detection.projects.filter((p) => p.dir !== "");
  const population = detection.projects.length;
  const base = new Map<Toolchain, Pin>();
  for (const pin of root?.pins ?? []) base.set(pin.toolchain, pin);

  // Toolchains most projects use go into the default shell, at the version most of them resolve to. When the
  // root needs a toolchain but names no version (a Gradle root without a toolchain block), the version its
  // modules ask for most fills it, so the modules need no shells of their own.
  // CI helpers and scripts (ci/, scripts/, tools/, …) pin what their job needs, never what the repository builds with.
  const users = new Map<Toolchain, Pin[]>();
  for (const project of subs)
    if (!isTooling(project.dir))
      for (const pin of project.pins) users.set(pin.toolchain, [...(users.get(pin.toolchain) ?? []), pin]);
  for (const [toolchain, pins] of users) {
    const have = base.get(toolchain);
    if (have && have.version !== "") continue;
    if (!have && pins.length * 2 <= population) continue;
    const common = commonPin(pins, release);
    if (common || !have) base.set(toolchain, common ?? pins[0]!);
  }

  const defaultPins = [...base.values()].sort((a, b) => (a.toolchain < b.toolchain ? -1 : 1));
  const planned: { name: string; dir?: string; pins: Map<Toolchain, Pin>; serves: Project[]; why?: string }[] = [];
  const defaultShell = { name: "default", pins: base, serves: root ? [root] : [] };
  const taken = new Set<string>(["default"]);
  // Parents sort before their children, so the shell that would serve a project already exists: the one with the
  // longest dir containing it (the rule `paved shell` and direnv use), else default. A project is compared with
  // that shell, not with default, so a workspace's members share the workspace's shell.
  for (const project of subs) {
    const parent = [...planned].reverse().find((s) => project.dir.startsWith(`${s.dir}/`)) ?? defaultShell;
    const differing = project.pins.filter((pin) => {
      const have = parent.pins.get(pin.toolchain);
      if (!have) return true;
      if (pin.version === "") return false;
      // A published package's engines field says which versions its users may run, not what to develop with.
      if (pin.floor) return false;
      const haveAttr = attrOf(have, release);
      if (haveAttr === attrOf(pin, release)) return false;
      // A range the serving shell's version already satisfies needs no shell of its own.
      return !(haveAttr && pin.strength !== "exact" && pinAccepts(pin.toolchain, pin.version, haveAttr, release));
    });
    if (differing.length === 0) {
      parent.serves.push(project);
      noteUnhonoured(project, parent.pins, release, parent.name);
      continue;
    }
    const merged = new Map(parent.pins);
    for (const pin of project.pins)
      if (differing.includes(pin) || !merged.has(pin.toolchain)) merged.set(pin.toolchain, pin);
    const whose = parent.name === "default" ? "the default shell's" : `shell ${parent.name}'s`;
    const why = differing
      .map((pin) => {
        const have = parent.pins.get(pin.toolchain);
        return have
          ? `${pin.toolchain} ${pin.version} (${pin.file}) differs from ${whose} ${pin.toolchain} ${have.version || "(unpinned)"}`
          : `${pin.toolchain} is not in ${parent.name === "default" ? "the default shell" : `shell ${parent.name}`} (${pin.file})`;
      })
      .join("; ");
    planned.push({ name: shellName(project.dir, taken), dir: project.dir, pins: merged, serves: [project], why });
  }
  const shells: PlannedShell[] = planned.map((s) => {
    const pins = [...s.pins.values()].sort((a, b) => (a.toolchain < b.toolchain ? -1 : 1));
    return {
      name: s.name,
      dir: s.dir!,
      pins,
      ...extrasFor(pins, [...s.serves, ...(root ? [root] : [])], release),
      serves: s.serves.map((p) => p.dir),
      why: s.why!,
    };
  });
  shells.unshift({
    name: "default",
    pins: defaultPins,
    ...extrasFor(defaultPins, defaultShell.serves, release),
    serves: defaultShell.serves.map((p) => p.dir),
  });
  return shells;
}

/**
 * A project that shares a shell although one of its pins could not be honoured there (a crate asking for a
 * nightly channel inside a stable workspace) would otherwise vanish from the explanation: say it in its notes.
 */
function noteUnhonoured(project: Project, pins: Map<Toolchain, Pin>, release: string, shell: string): void {
  for (const pin of project.pins) {
    const have = pins.get(pin.toolchain);
    if (pin.version === "" || !have || have === pin || have.version === pin.version) continue;
    const r = resolveCached(pin, release);
    if (r.status === "unavailable")
      project.notes.push(
        `${pin.file}${pin.line === undefined ? "" : `:${pin.line}`} asks for ${pin.toolchain} ${pin.version}; it shares shell ${shell} (${r.attr ?? "nothing"}): ${r.reason}`,
      );
  }
}
