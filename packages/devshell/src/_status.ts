/**
 * Step 2 for `paved status`: is there a dev shell, is it as paved.yaml says, and do its pins still match the
 * repository's own files (drift: .nvmrc moved to 24 but paved.yaml still says 22).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  CONFIG_FILE,
  isPavedError,
  loadConfig,
  planFiles,
  type DriftItem,
  type StepReport,
  type Toolchain,
} from "@paved/core";
import { detectProject } from "./_detect.ts";
import { ADOPTED_FLAKE_DIR, FLAKE_FILE, pavedFlakeDir, renderDevshellFiles } from "./render/_files.ts";

export interface DevshellStatusOptions {
  dir: string;
  /** Name of the repository in messages (default: the directory). */
  subject?: string;
}

export async function devshellStatus(options: DevshellStatusOptions): Promise<StepReport> {
  const root = options.dir;
  const subject = options.subject ?? root;
  const report: StepReport = {
    step: 2,
    title: "Developer shells",
    state: "not-started",
    evidence: [],
    drift: [],
    next: [],
  };
  if (!existsSync(join(root, CONFIG_FILE))) {
    report.next.push({
      step: 2,
      title: "Detect toolchains and write a dev shell",
      command: `paved init --dir ${root}`,
    });
    return report;
  }
  let config;
  try {
    config = (await loadConfig(root)).config;
  } catch (error) {
    if (!isPavedError(error)) throw error;
    report.state = "in-progress";
    report.drift.push({
      kind: "old-config",
      subject,
      message: error.message.split("\n")[0]!,
      fix: "Fix paved.yaml (see `paved init --dry-run`).",
    });
    return report;
  }
  const shells = Object.keys(config.shells);
  if (shells.length === 0) {
    report.next.push({
      step: 2,
      title: "Detect toolchains and write a dev shell",
      command: `paved init --dir ${root}`,
    });
    return report;
  }
  const plan = await planFiles(root, renderDevshellFiles(root, config));
  // In a repository with its own flake.nix, paved's flake is nix/paved/flake.nix and a team's own .envrc is theirs.
  const adopted = pavedFlakeDir(root) !== "";
  const flakePath = adopted ? `${ADOPTED_FLAKE_DIR}/${FLAKE_FILE}` : FLAKE_FILE;
  for (const change of plan) {
    if (adopted && change.status === "foreign") continue;
    if (change.status === "edited" || change.status === "foreign") {
      report.drift.push({
        kind: "edited-file",
        subject,
        message: `${change.path} was edited by hand`,
        fix: "Move the change into paved.yaml and run `paved sync --force`, or `paved eject`.",
      });
    } else if (change.status !== "unchanged") {
      report.drift.push({
        kind: "old-config",
        subject,
        message: `${change.path} is ${change.status === "create" ? "missing" : "out of date with paved.yaml"}`,
        fix: "Run `paved sync`.",
      });
    }
  }
  // Re-detect and compare every pin that came from a file.
  const detected = detectProject(root, {
    release: config.nixpkgs.release,
    include: config.detect.include,
    exclude: config.detect.exclude,
  });
  const byDir = new Map(detected.planned.map((s) => [s.dir ?? "", s]));
  for (const [name, shell] of Object.entries(config.shells)) {
    const planned = byDir.get(shell.dir ?? "");
    for (const [toolchain, pin] of Object.entries(shell.toolchains) as [
      Toolchain,
      { version: string; from?: string },
    ][]) {
      if (pin.from === undefined) continue;
      const now = planned?.pins.find((p) => p.toolchain === toolchain);
      const nowVersion = now ? (now.version === "" ? "*" : now.version) : undefined;
      if (nowVersion === pin.version) continue;
      const item: DriftItem = {
        kind: "stale-pin",
        subject,
        message:
          nowVersion === undefined
            ? `shell ${name}: ${toolchain} ${pin.version} came from ${pin.from}, which no longer pins it`
            : `shell ${name}: ${toolchain} is ${pin.version} in paved.yaml but ${now!.file} now asks for ${nowVersion}`,
        fix: "Run `paved init` to pick up the repository's pins.",
      };
      report.drift.push(item);
    }
  }
  const total = shells.length;
  report.evidence.push({
    text: `${total} dev shell${total === 1 ? "" : "s"}: ${shells.join(", ")}`,
    total,
    items: shells,
  });
  const flakeOk = plan.find((c) => c.path === flakePath)?.status === "unchanged";
  report.state = flakeOk && report.drift.length === 0 ? "done" : "in-progress";
  if (report.drift.length > 0)
    report.next.push({
      step: 2,
      title: "Bring the dev shells back in line with the repository",
      command: "paved init",
    });
  return report;
}
