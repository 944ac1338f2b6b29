import { PavedError } from "../errors.ts";
import { tail } from "../exec/_exec.ts";
import { nixErrorLocation, nixErrorMessage } from "./_compat.ts";

export interface NixFailure {
  argv: string[];
  exitCode: number;
  stderr: string;
  cwd?: string;
}

const STORE_SOURCE = /\/nix\/store\/[0-9a-zA-Z]+-source\//g;

/** Nix reports files inside the copied flake source; point at the user's checkout instead when we know it. */
function localise(text: string, cwd: string | undefined): string {
  return cwd ? text.replace(STORE_SOURCE, `${cwd.replace(/\/$/, "")}/`) : text;
}

/** What Nix itself thinks went wrong, in whichever layout this Nix prints it. */
function firstError(stderr: string): string {
  return nixErrorMessage(stderr) ?? (tail(stderr, 1) || "nix failed");
}

function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Nix's global flags that take one value, which may come before the subcommand (from `nix --help`, 2.8 to 2.26). */
const GLOBAL_FLAGS_WITH_VALUE = new Set([
  "--extra-experimental-features",
  "--experimental-features",
  "--store",
  "--eval-store",
  "--log-format",
  "--max-jobs",
  "-j",
  "--cores",
  "--builders",
  "--include",
  "-I",
  "--substituters",
  "--extra-substituters",
]);

/** The subcommand in a nix argv ("eval"), skipping the values of global flags ("nix-command flakes" is not one). */
function subcommand(argv: string[]): string {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--option") i += 2;
    else if (GLOBAL_FLAGS_WITH_VALUE.has(arg)) i += 1;
    else if (!arg.startsWith("-")) return arg;
  }
  return "";
}

/** Turns a failed nix invocation into one PavedError with a stable code and a hint that says what to do. */
export function classifyNixFailure(failure: NixFailure): PavedError {
  const stderr = localise(stripAnsi(failure.stderr), failure.cwd);
  const details = {
    command: failure.argv,
    exitCode: failure.exitCode,
    stderrTail: tail(stderr, 25),
  };
  // A file git does not track is missing from the flake's store copy: 2.8 says "getting status of '…'",
  // newer Nix "path '…' does not exist", and in some layouts names the repository outright.
  const untracked =
    /getting status of '\/nix\/store\/[0-9a-zA-Z]+-source\/([^']+)': No such file or directory/.exec(failure.stderr) ??
    /path '\/nix\/store\/[0-9a-zA-Z]+-source\/([^']+)' does not exist/.exec(failure.stderr);
  const notTracked = /Path '([^']+)' in the repository .* is not tracked by Git/.exec(stderr);
  if (untracked || notTracked) {
    const file = (untracked?.[1] ?? notTracked?.[1])!;
    return new PavedError("E_NIX_UNTRACKED", `Nix cannot see ${file}: the file is not tracked by git.`, {
      hint: `Flakes in a git repository only see tracked files. Run \`git add -N ${file}\`.`,
      details: { ...details, file },
    });
  }
  // Nix prints fetch trouble as warnings too (a stale registry, an offline substituter) and then fails for another
  // reason; only the error itself decides. A missing attribute is never the network's fault.
  const errorText = stderr
    .split("\n")
    .filter((line) => !/^\s*warning:/.test(line))
    .join("\n");
  // A full store or temp dir: Nix says so only in its error text, and the fix is on this machine, not in any flake.
  const full = /^\s*error:.*(No space left on device|Disk quota exceeded)/m.exec(errorText);
  if (full) {
    return new PavedError("E_DISK_FULL", `Nix ran out of disk space: ${firstError(stderr)}`, {
      hint:
        "Free space where Nix writes: the Nix store and the temp dir (`df -h /nix/store ${TMPDIR:-/tmp}`). " +
        "`paved gc && nix-collect-garbage` removes cached shells of gone checkouts and every store path nothing uses.",
      details,
    });
  }
  const missingAttribute = /^\s*error:.*(does not provide attribute|attribute '[^']*' missing)/m.test(errorText);
  if (
    !missingAttribute &&
    /unable to download|Couldn't resolve host|cannot find flake .* in the flake registries|Could not connect|unable to fetch|does not have a lock file entry/i.test(
      errorText,
    )
  ) {
    return new PavedError("E_NIX_INPUT", `A flake input could not be fetched: ${firstError(stderr)}`, {
      hint:
        "Check the network, or point nixpkgs at a local checkout or mirror (`paved shell --nixpkgs PATH`, or `nixpkgs.path` in paved.yaml). " +
        "`nix flake lock` records inputs once they can be fetched.",
      details,
    });
  }
  const build = /builder for '([^']+)' failed with exit code (\d+)/.exec(stderr);
  if (build || /build of '[^']+' failed/.test(stderr)) {
    const drv = build?.[1];
    const log = stderr
      .split("\n")
      .filter((line) => /^\s*> /.test(line))
      .map((line) => line.replace(/^\s*> ?/, ""))
      .join("\n");
    return new PavedError("E_NIX_BUILD", `Build failed${drv ? `: ${drv}` : ""}.`, {
      hint: drv ? `See the whole log with \`nix log ${drv}\`.` : "Run the command again with -L to see the build log.",
      details: { ...details, derivation: drv, logTail: log || undefined },
    });
  }
  const location = nixErrorLocation(stderr);
  if (
    location ||
    missingAttribute ||
    /^\s*error: .*(attribute|undefined variable|syntax error|cannot coerce|value is|infinite recursion|assertion|Failed assertions|option .* does not exist|does not provide)/m.test(
      stderr,
    )
  ) {
    const where = location ? `${location.file}:${location.line}:${location.column}: ` : "";
    return new PavedError("E_NIX_EVAL", `Nix evaluation failed: ${where}${firstError(stderr)}`, {
      hint: location
        ? `Fix the expression at ${location.file}:${location.line}:${location.column}, then run the command again.`
        : "Run the command again with --verbose to see the full Nix trace.",
      details: { ...details, location },
    });
  }
  return new PavedError(
    "E_NIX_FAILED",
    `nix ${subcommand(failure.argv)} failed (exit ${failure.exitCode}): ${firstError(stderr)}`,
    {
      hint: "Run the command again with --verbose to see everything Nix printed.",
      details,
    },
  );
}
