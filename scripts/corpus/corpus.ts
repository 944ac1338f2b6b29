/**
 * The real-repository corpus (docs/step-2-devshells.md, "Real repositories"): for every repository in corpus.json,
 * its snapshot at the pinned commit is unpacked into a temporary git repository, `paved init --yes` runs (timed, as
 * a user runs it), and every generated shell is entered with the fixture nixpkgs and asked for each toolchain's
 * version. Prints one table row per repository and the totals against the goals.
 *
 * Not part of CI: it needs the snapshots on disk (fetched with the search tool's `fetch github:owner/name`, under
 * /work/.mirror by default, or PAVED_CORPUS_MIRRORS). Their code never enters this repository.
 *
 *   pnpm tsx scripts/corpus/corpus.ts [--only owner/name,…] [--no-shells] [--keep]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURE_NIXPKGS_SOURCE, nixTestEnv } from "../../fixtures/index.ts";

interface Entry {
  repo: string;
  commit: string;
  what: string;
  /** What the root shell must give, read from the repository's marker files: toolchain → nixpkgs attribute. */
  root: Record<string, string>;
}

interface Choice {
  toolchain: string;
  attr?: string;
  release?: string;
  from: string;
  status: string;
}
interface Shell {
  name: string;
  dir?: string;
  choices: Choice[];
}

const here = fileURLToPath(new URL(".", import.meta.url));
const pavedBin = fileURLToPath(new URL("../../apps/cli/bin/paved.cjs", import.meta.url));
const mirrors = process.env.PAVED_CORPUS_MIRRORS ?? "/work/.mirror";
const packages = JSON.parse(readFileSync(join(FIXTURE_NIXPKGS_SOURCE, "packages.json"), "utf8")) as Record<
  string,
  { bins: string[] }
>;
const NOT_PROJECT =
  /(^|\/)(examples?|_examples|samples?|tests?|__tests__|specs?|testscripts|acceptance|testdata|test_data|test-data|fixtures?|__fixtures__|docs?|documentation|vendor|third_party|generated)(\/|$)/;

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1]!.split(",") : undefined;
const withShells = !args.includes("--no-shells");
const keep = args.includes("--keep");
const entries = (JSON.parse(readFileSync(join(here, "corpus.json"), "utf8")) as Entry[]).filter(
  (e) => !only || only.includes(e.repo),
);

/** A fixture nixpkgs copy per release the generated flakes ask for (the fixture carries every attribute). */
function fixture(release: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), `paved-corpus-nixpkgs-${release}-`)), "nixpkgs");
  cpSync(FIXTURE_NIXPKGS_SOURCE, dir, { recursive: true });
  writeFileSync(join(dir, "release.nix"), `${JSON.stringify(release)}\n`);
  return dir;
}
const nixpkgs = { main: fixture("26.05"), "25_11": fixture("25.11"), unstable: fixture("unstable") };
const env = { ...nixTestEnv(), PAVED_CACHE_DIR: mkdtempSync(join(tmpdir(), "paved-corpus-cache-")), NO_COLOR: "1" };

function checkout(entry: Entry): string {
  const dir = mkdtempSync(join(tmpdir(), `paved-corpus-${entry.repo.replace("/", "-")}-`));
  const gitDir = join(mirrors, entry.repo.replace("/", "+"), "repo");
  writeTree(gitDir, entry.commit, dir);
  execFileSync("git", ["init", "-q", dir]);
  execFileSync("git", ["add", "-A"], { cwd: dir });
  execFileSync(
    "git",
    [
      "-c",
      "user.name=corpus",
      "-c",
      "user.email=corpus@paved.invalid",
      "commit",
      "-q",
      "--no-verify",
      "-m",
      "snapshot",
    ],
    { cwd: dir },
  );
  return dir;
}

/**
 * The commit's files, written out. Not `git archive`: snapshots lack files of 4 MiB and more, and archive stops at
 * the first missing blob; those files are left out (no marker file is that big).
 */
function writeTree(gitDir: string, commit: string, dir: string): void {
  const listing = execFileSync("git", ["--git-dir", gitDir, "ls-tree", "-r", "-z", "--full-tree", commit], {
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
  const blobs: { mode: string; sha: string; path: string }[] = [];
  for (const line of listing.split("\0")) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (!m) continue;
    if (m[2] === "commit")
      mkdirSync(join(dir, m[4]!), { recursive: true }); // a submodule: only its directory
    else if (m[2] === "blob") blobs.push({ mode: m[1]!, sha: m[3]!, path: m[4]! });
  }
  const out = execFileSync("git", ["--git-dir", gitDir, "cat-file", "--batch"], {
    input: `${blobs.map((b) => b.sha).join("\n")}\n`,
    maxBuffer: 2 ** 31 - 1,
  });
  let at = 0;
  for (const blob of blobs) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString("utf8");
    at = nl + 1;
    if (header.endsWith(" missing")) continue;
    const size = Number(header.split(" ")[2]);
    const content = out.subarray(at, at + size);
    at += size + 1;
    const path = join(dir, blob.path);
    mkdirSync(dirname(path), { recursive: true });
    if (blob.mode === "120000") symlinkSync(content.toString("utf8"), path);
    else writeFileSync(path, content, { mode: blob.mode === "100755" ? 0o755 : 0o644 });
  }
}

function version(dir: string, flakeDir: string, shell: string, attr: string, extraInputs: string[]): boolean {
  const bin = packages[attr]?.bins[0];
  if (!bin) return false;
  // paved shell replaces the pinned input only; a flake with a second release's input is entered with nix develop.
  const argv =
    extraInputs.length === 0
      ? [process.execPath, pavedBin, "shell", shell, "--nixpkgs", nixpkgs.main, "--", bin, "--version"]
      : [
          "nix",
          "develop",
          `${join(dir, flakeDir)}#${shell}`,
          "--no-write-lock-file",
          "--override-input",
          "nixpkgs",
          `path:${nixpkgs.main}`,
          ...extraInputs.flatMap((i) => [
            "--override-input",
            `nixpkgs-${i}`,
            `path:${nixpkgs[i as "25_11"] ?? nixpkgs.unstable}`,
          ]),
          "-c",
          bin,
          "--version",
        ];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: dir, env, encoding: "utf8" });
  return r.status === 0 && r.stdout.startsWith(`${bin} `);
}

interface Row {
  repo: string;
  what: string;
  expected: string;
  detected: string;
  right: number;
  total: number;
  shells: number;
  badShells: string[];
  badPins: string[];
  entered: string;
  ms: number;
  exit: number;
}

const rows: Row[] = [];
for (const entry of entries) {
  const dir = checkout(entry);
  const started = performance.now();
  const init = spawnSync(process.execPath, [pavedBin, "--json", "init", "--yes"], { cwd: dir, env, encoding: "utf8" });
  const ms = performance.now() - started;
  let shells: Shell[] = [];
  try {
    shells = (JSON.parse(init.stdout) as { detected: { shells: Shell[] } }).detected.shells;
  } catch {
    process.stderr.write(`${entry.repo}: paved init failed (exit ${init.status}): ${init.stderr.slice(0, 400)}\n`);
  }
  const root = shells.find((s) => s.name === "default");
  const got = (t: string) => root?.choices.find((c) => c.toolchain === t);
  const right = Object.entries(entry.root).filter(([t, attr]) => got(t)?.attr === attr).length;
  const badShells = shells.filter((s) => s.dir !== undefined && NOT_PROJECT.test(s.dir)).map((s) => s.dir!);
  const badPins = (root?.choices ?? [])
    .filter((c) => NOT_PROJECT.test(c.from))
    .map((c) => `${c.toolchain} from ${c.from}`);
  const flakeDir = existsSync(join(dir, "nix/paved/flake.nix")) ? "nix/paved" : "";
  const flake = existsSync(join(dir, flakeDir, "flake.nix"))
    ? readFileSync(join(dir, flakeDir, "flake.nix"), "utf8")
    : "";
  const extraInputs = [...flake.matchAll(/inputs\.nixpkgs-([0-9a-z_]+)\.url/g)].map((m) => m[1]!);
  let entered = "—";
  if (withShells && root) {
    let ok = 0;
    let tried = 0;
    for (const shell of shells) {
      const attrs = shell.choices.flatMap((c) => (c.attr ? [c.attr] : []));
      tried++;
      if (
        attrs.length === 0
          ? version(dir, flakeDir, shell.name, "hello", extraInputs)
          : attrs.every((a) => version(dir, flakeDir, shell.name, a, extraInputs))
      )
        ok++;
    }
    entered = `${ok}/${tried}`;
  }
  const detected = (root?.choices ?? [])
    .map((c) => `${c.toolchain} ${c.attr ?? "—"}${c.release ? ` (${c.release})` : ""}`)
    .join(", ");
  rows.push({
    repo: entry.repo,
    what: entry.what,
    detected,
    right,
    total: Object.keys(entry.root).length,
    shells: shells.length,
    badShells,
    badPins,
    entered,
    ms,
    exit: init.status ?? -1,
    expected: Object.entries(entry.root)
      .map(([t, a]) => `${t} ${a}`)
      .join(", "),
  });
  process.stderr.write(
    `${entry.repo}: ${right}/${Object.keys(entry.root).length} right, ${shells.length} shells, entered ${entered}, ${ms.toFixed(0)} ms\n`,
  );
  if (keep) process.stderr.write(`  kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}

const lines = [
  "| repository | what | expected (root shell) | detected (root shell) | right | shells | entered | init |",
  "|---|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.repo} | ${r.what} | ${r.expected} | ${r.detected} | ${r.right}/${r.total} | ${r.shells}${r.badShells.length ? ` (${r.badShells.length} for non-projects!)` : ""} | ${r.entered} | ${(r.ms / 1000).toFixed(2)} s${r.exit === 0 ? "" : ` (exit ${r.exit})`} |`,
  ),
];
const times = rows.map((r) => r.ms).sort((a, b) => a - b);
const right = rows.reduce((n, r) => n + r.right, 0);
const total = rows.reduce((n, r) => n + r.total, 0);
const enteredRoots = rows.filter((r) => r.entered !== "—" && r.entered.split("/")[0] !== "0").length;
const summary = [
  `toolchains right: ${right}/${total} (${((100 * right) / Math.max(total, 1)).toFixed(1)}%; goal ≥ 95%)`,
  `shells for example/test/fixture directories: ${rows.reduce((n, r) => n + r.badShells.length, 0)} (goal 0)`,
  `root pins from them: ${rows.reduce((n, r) => n + r.badPins.length, 0)} (goal 0)`,
  `repositories whose shells all entered: ${rows.filter((r) => r.entered !== "—" && r.entered.split("/")[0] === r.entered.split("/")[1]).length}/${rows.length} (at least one shell: ${enteredRoots})`,
  `paved init: median ${(times[Math.floor(times.length / 2)]! / 1000).toFixed(2)} s, max ${(times.at(-1)! / 1000).toFixed(2)} s (goal ≤ 0.3 s, ≤ 0.8 s)`,
];
process.stdout.write(`${lines.join("\n")}\n\n${summary.map((s) => `- ${s}`).join("\n")}\n`);
for (const r of rows) for (const p of r.badPins) process.stdout.write(`! ${r.repo}: root pin ${p}\n`);
