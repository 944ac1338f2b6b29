/**
 * The scripts `paved completion SHELL` prints. Each asks `paved __complete -- WORDS…` (the engine in _engine.ts)
 * and turns its answer into the shell's own completions: one candidate per line as `value<TAB>description`, or a
 * single directive line — `:files`, `:dirs` (let the shell complete paths) or `:commands` (a command name, after
 * `paved shell --`). Kept free of logic, so one engine serves all three shells.
 */
// Shell parameter expansions are written %{…} below: String.raw keeps backslashes as the shells need them, and
// %{ is turned into ${ once, instead of escaping every expansion from JavaScript.
const script = (text: string) => text.replaceAll("%{", "${");

import type { CompletionShell } from "../defs/completion.ts";

const bash = script(String.raw`# bash completion for paved: source <(paved completion bash), or save it as
# ~/.local/share/bash-completion/completions/paved
_paved_complete() {
  local cur=%{COMP_WORDS[COMP_CWORD]}
  local IFS=$'\n'
  local -a lines
  lines=($(paved __complete -- "%{COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)) || return 0
  COMPREPLY=()
  case %{lines[0]} in
    :files) compopt -o filenames 2>/dev/null || true; COMPREPLY=($(compgen -f -- "$cur")) ;;
    :dirs) compopt -o filenames 2>/dev/null || true; COMPREPLY=($(compgen -d -- "$cur")) ;;
    :commands) COMPREPLY=($(compgen -c -- "$cur")) ;;
    *)
      local line
      for line in "%{lines[@]}"; do
        if [[ -n $line ]]; then COMPREPLY+=("%{line%%$'\t'*}"); fi
      done
      ;;
  esac
}
complete -F _paved_complete paved
`);

const zsh = script(String.raw`#compdef paved
# zsh completion for paved: source <(paved completion zsh) after compinit, or save it as _paved in a directory
# of $fpath.
_paved() {
  local -a lines values descriptions
  local line
  lines=("%{(@f)$(paved __complete -- "%{(@)words[2,CURRENT]}" 2>/dev/null)}")
  case $lines[1] in
    (:files) _files; return ;;
    (:dirs) _files -/; return ;;
    (:commands) _command_names -e; return ;;
  esac
  for line in "%{lines[@]}"; do
    [[ -z $line ]] && continue
    values+=("%{line%%$'\t'*}")
    if [[ $line == *$'\t'* ]]; then
      descriptions+=("%{line%%$'\t'*}  -- %{line#*$'\t'}")
    else
      descriptions+=("$line")
    fi
  done
  if (( %{#values} )); then compadd -l -d descriptions -a values; fi
}
if [[ %{funcstack[1]} == _paved ]]; then
  _paved "$@"
else
  compdef _paved paved
fi
`);

const fish = script(String.raw`# fish completion for paved: paved completion fish | source, or save it as
# ~/.config/fish/completions/paved.fish
function __paved_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l lines (paved __complete -- $words[2..-1] "$current" 2>/dev/null)
    switch "$lines[1]"
        case :files
            __fish_complete_path "$current"
        case :dirs
            __fish_complete_directories "$current"
        case :commands
            complete -C "$current"
        case '*'
            printf '%s\n' $lines
    end
end
complete -c paved -f -a '(__paved_complete)'
`);

export function completionScript(shell: CompletionShell): string {
  return { bash, zsh, fish }[shell];
}
