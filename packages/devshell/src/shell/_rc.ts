/**
 * Turns `nix print-dev-env --json` into the bash script `nix develop` would source, so a cached entry behaves like
 * the real thing: variables (typed: exported, plain, indexed and associative arrays), functions, the shell's PATH
 * entries before the user's, a fresh NIX_BUILD_TOP/TMPDIR, then `shellHook`. Output paths are rewritten to
 * `$PWD/outputs/<name>` at run time, as nix develop rewrites them to the directory it was started in.
 * Follows current Nix (2.8 also clobbered SHELL and did not keep XDG_DATA_DIRS; later releases fixed both).
 */

export type DevEnvVariable =
  | { type: "exported" | "var"; value: string }
  | { type: "array"; value: string[] }
  | { type: "associative"; value: Record<string, string> }
  | { type: "unknown" };

export interface DevEnv {
  variables: Record<string, DevEnvVariable>;
  bashFunctions: Record<string, string>;
}

/** What nix develop leaves as the user has it, plus bash's own dynamic variables (assigning them is meaningless). */
const IGNORED = new Set([
  "BASHOPTS",
  "HOME",
  "NIX_BUILD_TOP",
  "NIX_ENFORCE_PURITY",
  "NIX_LOG_FD",
  "NIX_REMOTE",
  "PPID",
  "SHELL",
  "SHELLOPTS",
  "SSL_CERT_FILE",
  "TEMP",
  "TEMPDIR",
  "TERM",
  "TMP",
  "TMPDIR",
  "TZ",
  "UID",
  "BASH",
  "BASHPID",
  "EPOCHREALTIME",
  "EPOCHSECONDS",
  "LINENO",
  "SRANDOM",
  "COMP_WORDBREAKS",
]);

/** Colon lists the user's values are appended to rather than replaced by. */
const SAVED = ["PATH", "XDG_DATA_DIRS"];

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes a value, splicing `"$PWD/outputs/<name>"` wherever an output path of the shell derivation appears. */
function quoteWithOutputs(value: string, outputs: [string, string][]): string {
  const present = outputs.filter(([, path]) => path !== "" && value.includes(path));
  if (present.length === 0) return quote(value);
  const byPath = new Map(present.map(([name, path]) => [path, name]));
  const pattern = new RegExp(present.map(([, path]) => path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  const parts: string[] = [];
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    if (match.index > last) parts.push(quote(value.slice(last, match.index)));
    parts.push(`"$PWD/outputs/${byPath.get(match[0])}"`);
    last = match.index + match[0].length;
  }
  if (last < value.length) parts.push(quote(value.slice(last)));
  return parts.join("");
}

/** [output name, store path] for each output the derivation declares in `outputs`. */
function outputPaths(env: DevEnv): [string, string][] {
  const outputs = env.variables.outputs;
  let names: string[] = [];
  if (outputs?.type === "exported" || outputs?.type === "var") names = outputs.value.split(/\s+/).filter(Boolean);
  else if (outputs?.type === "array") names = outputs.value;
  else if (outputs?.type === "associative") return Object.entries(outputs.value);
  return names.flatMap((name) => {
    const v = env.variables[name];
    return v && (v.type === "exported" || v.type === "var") ? [[name, v.value] as [string, string]] : [];
  });
}

/**
 * `tempDir: false` (direnv) leaves NIX_BUILD_TOP and TMPDIR as the user has them: a directory made per load of a
 * long-lived prompt would only pile up (nix-direnv removes it for the same reason), and making it costs a process.
 */
export function renderRc(env: DevEnv, options: { tempDir?: boolean } = {}): string {
  const outputs = outputPaths(env);
  const out: string[] = ["unset shellHook"];
  for (const name of SAVED) out.push(`${name}=\${${name}:-}`, `nix_saved_${name}="$${name}"`);
  for (const name of Object.keys(env.variables).sort()) {
    const variable = env.variables[name]!;
    if (IGNORED.has(name) || !VAR_NAME.test(name)) continue;
    if (variable.type === "exported" || variable.type === "var") {
      out.push(`${name}=${quoteWithOutputs(variable.value, outputs)}`);
      if (variable.type === "exported") out.push(`export ${name}`);
    } else if (variable.type === "array") {
      out.push(`declare -a ${name}=(${variable.value.map((v) => `${quoteWithOutputs(v, outputs)} `).join("")})`);
    } else if (variable.type === "associative") {
      const pairs = Object.entries(variable.value).map(([k, v]) => `[${quote(k)}]=${quoteWithOutputs(v, outputs)} `);
      out.push(`declare -A ${name}=(${pairs.join("")})`);
    }
  }
  for (const name of Object.keys(env.bashFunctions).sort()) {
    out.push(`${name} ()\n{\n${env.bashFunctions[name]}}`);
  }
  for (const name of SAVED) out.push(`${name}="$${name}\${nix_saved_${name}:+:$nix_saved_${name}}"`);
  if (options.tempDir !== false) {
    // paved makes the directory itself when it starts bash (no mktemp process) and removes it afterwards.
    out.push(
      'export NIX_BUILD_TOP="${__paved_build_top:-$(mktemp -d -t nix-shell.XXXXXX)}"',
      "unset __paved_build_top",
    );
    for (const name of ["TMP", "TMPDIR", "TEMP", "TEMPDIR"]) out.push(`export ${name}="$NIX_BUILD_TOP"`);
  }
  out.push('eval "${shellHook:-}"', "");
  return out.join("\n");
}

/** Runs the cached rc, then the command; the command line never becomes shell text, so nothing needs quoting. */
const RUN_COMMAND = 'set -- "${__paved_cmd[@]}"; unset __paved_cmd; exec "$@"';

/** `bash -c SCRIPT paved-shell CMD ARGS…`: sources rc with no positional parameters, as nix develop does. */
export function commandScript(rcPath: string): string {
  return `__paved_cmd=("$@"); set --; . ${quote(rcPath)}\n${RUN_COMMAND}`;
}

/** The rc file for an interactive bash: the user's ~/.bashrc first, then the environment, as nix develop does. */
export function interactiveRc(rcPath: string): string {
  return [
    '[ -n "$PS1" ] && [ -e ~/.bashrc ] && source ~/.bashrc;',
    "shopt -u expand_aliases",
    `. ${quote(rcPath)}`,
    "shopt -s expand_aliases",
    "",
  ].join("\n");
}
