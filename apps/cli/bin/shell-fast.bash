# A warm `paved shell [NAME] [--nixpkgs PATH] [--stale-ok] -- CMD …`, served without Node or Nix: bin/paved runs
# this with bash as `shell-fast.bash BIN_DIR shell ARGS…`. The stamp paved wrote for this directory and these
# arguments (packages/devshell/src/shell/_fast.ts) decides, by one `stat` of every input, whether the cached
# environment is current; then the command runs in it exactly as Node's warm path runs it (the cached rc sourced
# with no positional parameters, PAVED_SHELL*, NIX_GCROOT, a fresh NIX_BUILD_TOP). Anything else — another flag, no
# stamp, a changed input — goes to paved.cjs, which tells it where to write the stamp for next time.
__paved_bin=$1
shift
__paved_node() { exec node "$__paved_bin/paved.cjs" "$@"; }

__paved_name="" __paved_nixpkgs="" __paved_i=2
while [ "$__paved_i" -le $# ]; do
  __paved_w=${!__paved_i}
  case $__paved_w in
    --) break ;;
    --nixpkgs) __paved_i=$((__paved_i + 1)); [ "$__paved_i" -le $# ] || __paved_node "$@"; __paved_nixpkgs=${!__paved_i} ;;
    --nixpkgs=*) __paved_nixpkgs=${__paved_w#--nixpkgs=} ;;
    --stale-ok) ;; # a stamp vouches only for a current environment, which is never stale
    -*) __paved_node "$@" ;;
    *) if [ -z "$__paved_name" ]; then __paved_name=$__paved_w; else __paved_node "$@"; fi ;;
  esac
  __paved_i=$((__paved_i + 1))
done
# No command after `--`: an interactive shell, which the CLI starts.
[ "$__paved_i" -lt $# ] || __paved_node "$@"

# The stamp's place: per directory and per arguments (`/` and `%` escaped, so each is one path component).
__paved_key() { local v=${1//%/%25}; printf '%s' "${v//\//%2F}"; }
__paved_d=${PAVED_CACHE_DIR:-}
case $__paved_d in /* | '') ;; *) __paved_d=$PWD/$__paved_d ;; esac # as the CLI takes it: from here
if [ -z "$__paved_d" ]; then
  case ${XDG_CACHE_HOME:-} in /*) __paved_d=$XDG_CACHE_HOME/paved ;; *) __paved_d=$HOME/.cache/paved ;; esac
fi
__paved_stamp="$__paved_d/shell-fast$PWD/=$(__paved_key "${__paved_name:-@default}")=$(__paved_key "$__paved_nixpkgs")"
if ! { [ -r "$__paved_stamp" ] && . "$__paved_stamp" && __paved_fresh && [ -r "$__paved_rc" ]; }; then
  export PAVED_FAST_STAMP=$__paved_stamp
  __paved_node "$@"
fi

# Each NIX_BUILD_TOP this path made carries its process id (the command's, after exec): the ones whose process is
# gone are removed here, since nothing waits for the command to remove its own.
__paved_tmp=${TMPDIR:-/tmp}
for __paved_old in "$__paved_tmp"/nix-shell.paved-*.*; do
  __paved_pid=${__paved_old##*/nix-shell.paved-}
  __paved_pid=${__paved_pid%%.*}
  [[ $__paved_pid =~ ^[0-9]+$ ]] || continue
  kill -0 "$__paved_pid" 2>/dev/null || [ "$__paved_pid" = $$ ] || rm -rf -- "$__paved_old"
done
__paved_build_top=$(mktemp -d "$__paved_tmp/nix-shell.paved-$$.XXXXXX") || __paved_node "$@"
export "${__paved_exports[@]}"
unset PAVED_SHELL_STALE PAVED_FAST_STAMP
__paved_cmd=("${@:__paved_i+1}")
__paved_rc_file=$__paved_rc
unset -f __paved_node __paved_key __paved_fresh
unset __paved_bin __paved_name __paved_nixpkgs __paved_i __paved_w __paved_d __paved_stamp __paved_tmp __paved_old \
  __paved_pid __paved_exports __paved_rc
set --
# As `bash -c SCRIPT paved-shell CMD…` on Node's path: the rc sees $0 = paved-shell and no arguments.
BASH_ARGV0=paved-shell
. "$__paved_rc_file"
unset __paved_rc_file
set -- "${__paved_cmd[@]}"
unset __paved_cmd
exec "$@"
