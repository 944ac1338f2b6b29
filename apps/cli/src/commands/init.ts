import { relative } from "node:path";
import { createInterface } from "node:readline/promises";
import { PavedError } from "@paved/core";
import type { InitResult } from "@paved/devshell";
import { initProject } from "@paved/platform/shells";
import type { Handler } from "../_define.ts";
import type { spec } from "../defs/init.ts";
import { EXIT } from "../_exit-codes.ts";
import { findConfigRoot } from "../_root.ts";

function explain(result: InitResult): string[] {
  const d = result.detected;
  const lines = [`Detected toolchains (mapped to ${d.release}):`];
  if (d.shells.every((s) => s.choices.length === 0))
    lines.push("  nothing: no marker files found (package.json, go.mod, pyproject.toml, …)");
  for (const shell of d.shells) {
    const where = shell.dir === undefined ? "repository root" : shell.dir;
    lines.push(`  ${shell.name} (${where})${shell.why ? ` — ${shell.why}` : ""}`);
    const inherited =
      shell.name === "default"
        ? []
        : shell.choices.filter((c) =>
            d.shells[0]?.choices.some((b) => b.toolchain === c.toolchain && b.from === c.from),
          );
    if (inherited.length) lines.push(`    = ${inherited.map((c) => c.toolchain).join(", ")} as in default`);
    for (const c of shell.choices) {
      if (inherited.includes(c)) continue;
      const exact = result.verification?.versions[c.attr ?? ""];
      // The real version from nix eval can fall outside a range the version line fits (^24.15.0 vs 24.11.1).
      const unmet = result.verification?.unmet.find((u) => u.shell === shell.name && u.toolchain === c.toolchain);
      const status = unmet ? "unavailable" : exact !== undefined && exact === c.asked ? "satisfied" : c.status;
      const mark = status === "unavailable" ? "!" : status === "line" ? "~" : "✓";
      const from = c.release ? `, from ${c.release}` : "";
      lines.push(
        `    ${mark} ${c.toolchain} ${c.asked || "(any)"} → ${c.attr ?? "—"} ${exact ? `(${exact}${from})` : `(${c.got}${from})`}  ${c.from}: ${c.because}`,
      );
      // A toolchain from another release always says which one and whether it still gets security updates.
      if (status !== "satisfied" || c.release) lines.push(`        ${unmet ? unmet.reason : c.mapping}`);
    }
    if (shell.packages.length) lines.push(`    + packages: ${shell.packages.join(", ")}`);
    if (shell.serves.length > 1) lines.push(`    serves ${shell.serves.length} projects`);
  }
  if (d.skipped.length) {
    lines.push("Not projects (no shell, no pins taken from them; set detect.include in paved.yaml to change that):");
    for (const s of d.skipped) lines.push(`  - ${s}`);
  }
  for (const c of d.conflicts) lines.push(`! conflict: ${c.message}.`, `    to choose differently: ${c.override}`);
  for (const n of d.notes) lines.push(`note: ${n}`);
  for (const m of result.verification?.missing ?? []) {
    lines.push(
      `! ${m.attr} (shell ${m.shells.join(", ")}) is not in ${result.verification!.source}${m.near.length ? `; near: ${m.near.join(", ")}` : ""}. Set toolchains.<name>.attr in paved.yaml.`,
    );
  }
  return lines;
}

function filesText(result: InitResult): string[] {
  const lines: string[] = [];
  const all = [result.config, ...result.files];
  const verb = (s: string) =>
    s === "create"
      ? "create"
      : s === "update"
        ? "update"
        : s === "unchanged"
          ? "unchanged"
          : s === "foreign" && result.adopted
            ? "leave alone (yours)"
            : `keep (${s === "edited" ? "edited by hand" : "not written by paved"}; --force to overwrite)`;
  lines.push(result.dryRun ? "Would write:" : "Files:");
  for (const f of all) lines.push(`  ${verb(f.status)} ${f.path}`);
  for (const p of result.removed) lines.push(`  remove ${p} (its shell is no longer needed)`);
  if (result.intentToAdd.length)
    lines.push(`Ran git add -N ${result.intentToAdd.join(" ")} (Nix only sees files git knows about).`);
  return lines;
}

/** What paved did in a repository that has its own flake.nix, and what the team should look at. */
function adoptionText(result: InitResult): string[] {
  const a = result.adopted;
  if (!a) return [];
  const dir = a.pavedFlake.replace(/\/flake\.nix$/, "");
  const lines = [
    "",
    `This repository has its own ${a.flake}: paved did not read or change it, and its outputs (nix develop, nix flake check, …) work as before.`,
    `paved's shells are a flake of their own in ${a.pavedFlake}; \`paved shell\` and the .envrc files use it (\`nix develop ./${dir}#<name>\` without paved).`,
  ];
  const teamEnvrc = result.files.filter((f) => f.status === "foreign" && f.path.endsWith(".envrc")).map((f) => f.path);
  if (teamEnvrc.length)
    lines.push(
      `Left alone: ${teamEnvrc.join(", ")} (yours; it does not load paved's shells — to switch, make it \`use flake ./${dir}\`).`,
    );
  lines.push(`Review and commit: ${a.review.filter((p) => !teamEnvrc.includes(p)).join(", ")}.`);
  return lines;
}

/** init run in a subdirectory of a managed repository: where the root is, and which shell serves this directory. */
function subdirectoryText(result: InitResult, root: string, sub: string): string[] {
  const lines = [
    `paved.yaml is at ${root}: init works on the whole repository from there (no second paved.yaml in ${sub}).`,
  ];
  const skipped = result.detected.detection.skipped.find((s) => sub === s.dir || sub.startsWith(`${s.dir}/`));
  const serving = result.detected.shells
    .filter((s) => s.dir !== undefined && (sub === s.dir || sub.startsWith(`${s.dir}/`)))
    .sort((a, b) => b.dir!.length - a.dir!.length)[0];
  if (skipped)
    lines.push(
      `${sub} is not a project (${skipped.reason}, under ${skipped.dir}/); add it to detect.include in paved.yaml to give it a shell.`,
    );
  else if (serving)
    lines.push(`${sub} is served by shell ${serving.name} (${serving.dir}): \`paved shell\` there enters it.`);
  else
    lines.push(
      `${sub} needs nothing the default shell lacks, so it uses the default shell (a sub-project gets its own shell only when its pins differ).`,
    );
  return [...lines, ""];
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export const run: Handler<typeof spec> = async (ctx, input) => {
  const { options } = input;
  // The platform repository's scaffold lives with the cross-step commands (@paved/platform).
  if (options.platform) return (await import("./init-platform.ts")).run(ctx, input);
  // Silently ignoring them would leave the user believing a platform repository was scaffolded.
  const platformOnly = [
    options.name !== undefined && "--name",
    options.repo.length > 0 && "--repo",
    options.ci !== undefined && "--ci",
    !options.git && "--no-git",
  ].filter(Boolean);
  if (platformOnly.length) {
    throw new PavedError("E_USAGE", `${platformOnly.join(", ")}: only with --platform`, {
      hint: "Add --platform to scaffold a platform repository, or drop those flags (`paved init --help`).",
    });
  }
  // Inside a repository paved already manages, init works on that repository: never a second paved.yaml here.
  const configRoot = findConfigRoot(ctx.cwd);
  const sub =
    configRoot !== undefined && configRoot !== ctx.cwd
      ? relative(configRoot, ctx.cwd).split("\\").join("/")
      : undefined;
  const base = {
    dir: configRoot ?? ctx.cwd,
    force: options.force,
    signal: ctx.signal,
    ...(options.nixpkgs === undefined ? {} : { nixpkgs: options.nixpkgs }),
    ...(options.release === undefined ? {} : { release: options.release }),
    ...(options.pinnedReleaseOnly ? { pinnedOnly: true } : {}),
  };
  const { dryRun } = options;
  // Ask on a terminal unless --yes; scripts (no terminal) proceed, as --yes documents.
  if (!dryRun && !options.yes && process.stdin.isTTY && !ctx.json) {
    const preview = await initProject({ ...base, dryRun: true });
    process.stderr.write(`${[...explain(preview), ...filesText(preview)].join("\n")}\n`);
    if (!preview.diff) return { data: preview, text: "Nothing to change." };
    if (!(await confirm("Write these files? [y/N] ")))
      throw new PavedError("E_CANCELLED", "Nothing written.", {
        hint: "Run `paved init --dry-run` to see the diff, or --yes to skip the question.",
      });
  }
  const result = await initProject({ ...base, dryRun });
  const lines = [
    ...(sub === undefined ? [] : subdirectoryText(result, configRoot!, sub)),
    ...explain(result),
    "",
    ...filesText(result),
  ];
  if (dryRun && result.diff) lines.push("", result.diff);
  lines.push(...adoptionText(result));
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  if (!dryRun && result.adopted)
    lines.push(
      "",
      `Next: \`paved shell\` (or \`paved shell <name>\`), \`nix develop ./${result.adopted.pavedFlake.replace(/\/flake\.nix$/, "")}#<name>\` without paved, or \`direnv allow\` to load it on cd.`,
    );
  else if (!dryRun)
    lines.push("", "Next: `nix develop` (or `.#<shell>` for a sub-project), or `direnv allow` to load it on cd.");
  // In an adopted repository the team's own files (its .envrc) are left alone on purpose: not a problem to report.
  const kept = result.adopted
    ? result.kept.filter((p) => result.files.find((f) => f.path === p)?.status !== "foreign")
    : result.kept;
  const attention = kept.length > 0 || (result.verification?.missing.length ?? 0) > 0;
  return { data: result, text: lines.join("\n"), exitCode: attention ? EXIT.attention : EXIT.ok };
};
