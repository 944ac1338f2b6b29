/**
 * `paved shell` speed, side by side with `nix develop` on the same flake (fixture nixpkgs, real Nix):
 * - warm `paved shell -- true` against `nix develop -c true` on a generated 10,000-file (~100 MB) repository
 *   with a dirty git tree, where Nix has to copy the tree and evaluate as in a real monorepo (goal ≤ 1/5);
 * - warm `paved shell -- true` through the installed `paved` (bin/paved: bash and the stamp, no Node) minus bare
 *   `node -e 0`, on a 10-file and on the 10,000-file repository (goal ≤ 15 ms, and the same for both: a warm entry
 *   must not grow with the repository), and Node's own warm path beside them (the first entry after a change);
 * - cold `paved shell -- true` with an empty cache against `nix develop -c true` (goal ≤ 1.0x: one Nix process,
 *   which evaluates, builds and reports the files it read; this flake reads flake.nix and nix/tools.nix, so Nix gets
 *   a tree of those two instead of copying the 10,000 files, shell/_source.ts);
 * - the same for a flake with `src = ./.`, which needs every file: there Nix copies the checkout as nix develop does,
 *   and what paved adds is its own start and bookkeeping.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureNixpkgs, nixTestEnv } from "../fixtures/index.ts";
import { ratioLine, sideBySide, type Command } from "./_measure.ts";
import { BENCH_FLAKE as flake, paved, pavedLauncher } from "./_devshell.ts";

/** A git repository with `files` files of about 10 KB each (some .nix among them), added but not committed. */
function generateRepo(parent: string, name: string, files: number, flakeText = flake): string {
  const root = join(parent, name);
  mkdirSync(join(root, "nix"), { recursive: true });
  writeFileSync(join(root, "flake.nix"), flakeText);
  writeFileSync(join(root, "nix/tools.nix"), "{ pkgs }: [ pkgs.hello pkgs.uv pkgs.deno ]\n");
  let seed = 42;
  const chunk = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed.toString(36);
  };
  for (let i = 0; i < files; i++) {
    const dir = join(root, "packages", `pkg${Math.floor(i / 50)}`, i % 2 ? "src" : "lib");
    mkdirSync(dir, { recursive: true });
    const ext = i % 500 === 0 ? "nix" : i % 3 ? "ts" : "json";
    const body =
      ext === "nix" ? `{ }: { n = ${i}; }\n` : Array.from({ length: 1400 }, chunk).join(" ").slice(0, 10_000);
    writeFileSync(join(dir, `file${i}.${ext}`), body);
  }
  execFileSync("git", ["init", "-q"], { cwd: root });
  execFileSync("git", ["add", "-A"], { cwd: root });
  return root;
}

export async function benchDevshellShell(): Promise<string[]> {
  const nixpkgs = await fixtureNixpkgs();
  const parent = mkdtempSync(join(tmpdir(), "paved-bench-shell-"));
  try {
    const big = generateRepo(parent, "big", 10_000);
    const small = generateRepo(parent, "small", 8);
    const env = { ...nixTestEnv(), PAVED_CACHE_DIR: join(parent, "cache") };
    const coldCache = join(parent, "cold-cache");
    // `paved` as installed (bin/paved: bash serves a warm entry from its stamp); `viaNode` is the CLI's own warm
    // path, what runs when there is no stamp yet (the first warm entry after a change).
    const pavedShell = (label: string, cwd: string, extraEnv: NodeJS.ProcessEnv = {}, viaNode = false): Command => ({
      label,
      cwd,
      env: { ...env, ...extraEnv },
      argv: [...(viaNode ? [process.execPath, paved] : [pavedLauncher]), "shell", "--nixpkgs", nixpkgs, "--", "true"],
    });
    const nixDevelop: Command = {
      label: "nix develop -c true",
      cwd: big,
      env,
      argv: ["nix", "develop", "--override-input", "nixpkgs", `path:${nixpkgs}`, "-c", "true"],
    };
    const node: Command = { label: "node -e 0", argv: [process.execPath, "-e", "0"] };

    const lines = [
      `paved shell: generated repositories of 10,000 files (${sizeOf(big)}) and 10 files, fixture nixpkgs`,
    ];
    const [warmBig, develop] = sideBySide([pavedShell("warm paved shell -- true", big), nixDevelop], {
      runs: 7,
      warmup: 1,
    });
    lines.push(ratioLine("warm vs nix develop (10,000 files)", warmBig!, develop!, "≤ 0.20x"));

    const [warmSmall, warmBig2, bare, nodeSmall] = sideBySide(
      [
        pavedShell("warm (10 files)", small),
        pavedShell("warm (10,000 files)", big),
        node,
        pavedShell("warm via Node (10 files)", small, {}, true),
      ],
      { runs: 25 },
    );
    // Medians, and the fastest runs too: on a busy machine the minimum shows the cost paved itself adds.
    const signed = (ms: number) => `${ms < 0 ? "−" : "+"}${Math.abs(ms).toFixed(1)} ms`;
    const over = (t: { medianMs: number; minMs: number }) =>
      `${signed(t.medianMs - bare!.medianMs)} (fastest ${signed(t.minMs - bare!.minMs)})`;
    lines.push(
      `warm paved shell -- true over node -e 0 (${bare!.medianMs.toFixed(1)} ms): ${over(warmSmall!)} with 10 files, ${over(warmBig2!)} with 10,000 files (goal ≤ 15 ms, same for both)`,
      `  the same through Node's warm path (no stamp yet, 10 files): ${over(nodeSmall!)}`,
    );

    // Cold: every cached environment is removed before each run (the rm is part of the measured command; it takes a
    // millisecond). What paved knows about the nix binary itself (its version) stays, as it does on a real machine.
    const cold = (cwd: string): Command => ({
      label: "cold paved shell -- true",
      cwd,
      env: { ...env, PAVED_CACHE_DIR: coldCache },
      argv: [
        "sh",
        "-c",
        `rm -rf '${coldCache}/shells' && exec "$0" "$@"`,
        process.execPath,
        paved,
        "shell",
        "--nixpkgs",
        nixpkgs,
        "--",
        "true",
      ],
    });
    const [coldRun, develop2] = sideBySide([cold(big), nixDevelop], { runs: 5, warmup: 1 });
    lines.push(ratioLine("cold vs nix develop (10,000 files)", coldRun!, develop2!, "≤ 1.0x"));

    // A flake that needs every file (`src = ./.`): no tree can help, both copy the checkout.
    const whole = generateRepo(parent, "whole", 10_000, flake.replace("packages =", "src = ./.;\n        packages ="));
    const [coldWhole, developWhole] = sideBySide([cold(whole), { ...nixDevelop, cwd: whole }], { runs: 5, warmup: 1 });
    lines.push(ratioLine("cold vs nix develop, src = ./. (10,000 files)", coldWhole!, developWhole!, "≤ 1.0x"));
    return lines;
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

function sizeOf(dir: string): string {
  return execFileSync("du", ["-sh", "--exclude=.git", dir], { encoding: "utf8" }).split("\t")[0]!;
}
