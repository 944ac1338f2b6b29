/**
 * Names completion offers from the repository: shells and hosts of the nearest paved.yaml upwards (as every
 * command finds it, _root.ts), rollout ids from its journals. Read leniently: a half-edited paved.yaml still
 * completes what it can, and nothing here ever fails a Tab press.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { findConfigRoot } from "../_root.ts";
import type { Facts } from "./_engine.ts";

function keysOf(value: unknown): string[] {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

function section(root: string, name: "shells" | "hosts"): string[] {
  let document: unknown;
  try {
    document = parse(readFileSync(join(root, "paved.yaml"), "utf8"));
  } catch {
    return [];
  }
  return typeof document === "object" && document !== null ? keysOf(Reflect.get(document, name)) : [];
}

async function rollouts(root: string): Promise<string[]> {
  try {
    // Loaded only for a rollout id: the journals' own reader. Newest first, the one you most likely mean.
    const { listRollouts } = await import("@paved/rollout");
    return listRollouts(root).reverse();
  } catch {
    return [];
  }
}

export function repositoryFacts(cwd: string): Facts {
  return {
    names: async (kind, dir) => {
      const root = findConfigRoot(resolve(cwd, dir ?? "."));
      if (root === undefined) return [];
      if (kind === "rollout") return rollouts(root);
      return section(root, kind === "shell" ? "shells" : "hosts");
    },
  };
}
