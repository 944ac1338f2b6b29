import { execFileSync } from "node:child_process";

/** Throws when CI=true and a tool the rollout tests need is missing (they must fail, not skip, in CI). */
export function requireTools(...names: string[]): void {
  for (const name of names) {
    try {
      execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    } catch {
      throw new Error(`${name} is required for the rollout tests (CI installs it via .ci/run)`);
    }
  }
}

export const TOOLS = ["nix", "nix-env", "ssh", "setsid"];
