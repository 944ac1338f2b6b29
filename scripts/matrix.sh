#!/usr/bin/env bash
# The test matrix, as CI runs it: `bash scripts/matrix.sh` runs the README's two quick-start commands (set up and
# walk the example, then the test command) with CI=true on every leg:
#   host      this machine (CI's is Debian 12: Nix 2.8, OpenSSH 9.2)
#   trixie    a Debian 13 root made with debootstrap (Nix 2.26, OpenSSH 10)
#   bookworm  a Debian 12 root made with debootstrap (not in the default matrix: the host is Debian 12)
# Usage: scripts/matrix.sh [--fresh] [--no-quickstart] [LEG…]   (default legs: host trixie)
#   --fresh          build each root from the bare debootstrap image instead of reusing a prepared one, which
#                    proves the README's set-up on a machine with Node and npm only
#   --no-quickstart  run only the test command
# Roots live in $PAVED_MATRIX_CACHE (default /var/cache/paved-matrix). A prepared root is reused only while
# scripts/setup.sh, package.json and pnpm-lock.yaml are what prepared it; otherwise it is made anew.
#
# Safety: a root gets its own /dev (a tmpfs with a few device nodes) and its own /proc, never the host's,
# and every leg runs in its own mount and PID namespaces, so its mounts and processes end with it. Nothing
# here removes a directory that still has a mount under it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${PAVED_MATRIX_CACHE:-/var/cache/paved-matrix}
fresh= quickstart=1 legs=()
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=1 ;;
    --no-quickstart) quickstart= ;;
    host | trixie | bookworm) legs+=("$arg") ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "matrix: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
((${#legs[@]})) || legs=(host trixie)
[ "$(id -u)" = 0 ] || { echo "matrix: run as root (it installs packages and makes chroots)" >&2; exit 1; }

readme_command() { # the shell line under <!-- NAME --> in README.md
  awk -v m="<!-- $1 -->" '$0 == m {getline; getline; print; exit}' "$here/README.md"
}
setup_command=$(readme_command setup-command)
test_command=$(readme_command test-command)
[ -n "$setup_command" ] && [ -n "$test_command" ] || { echo "matrix: README.md lacks its two commands" >&2; exit 1; }

# The body of every leg, run as PID 1 of a fresh PID namespace inside the leg's checkout: both README commands,
# then a check that the tests left no process behind (anything still running besides this shell).
leg_script='
set -uo pipefail
export CI=true
if [ -n "$QUICKSTART" ]; then
  echo "matrix[$LEG]: $ $SETUP_COMMAND"
  bash -c "$SETUP_COMMAND" || { echo "matrix[$LEG]: the README set-up command failed" >&2; exit 1; }
else
  bash scripts/setup.sh || exit 1
fi
echo "matrix[$LEG]: $ $TEST_COMMAND"
bash -c "$TEST_COMMAND"; rc=$?
left=$(ps -eo pid=,args= | awk -v self=$$ '"'"'$1 != 1 && $1 != self && $2 != "ps" && $2 != "awk"'"'"')
if [ -n "$left" ]; then
  echo "matrix[$LEG]: the tests left processes running:" >&2; echo "$left" >&2
  [ "$rc" = 0 ] && rc=1
fi
echo "matrix[$LEG]: $(nix --version), $(ssh -V 2>&1), tests exit $rc"
exit $rc
'

run_host_leg() {
  echo "matrix[host]: $(. /etc/os-release && echo "$PRETTY_NAME")"
  local work; work=$(mktemp -d /tmp/paved-matrix-host.XXXX)
  # A clean copy, as CI's clone is: what the checkout has, untracked files included, nothing ignored.
  (cd "$here" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -C "$work" -xf -
  (cd "$work" && LEG=host QUICKSTART=$quickstart SETUP_COMMAND=$setup_command TEST_COMMAND=$test_command \
    unshare --pid --fork --mount-proc bash -c "$leg_script")
  local rc=$?
  rm -rf "$work"
  return $rc
}

base_image() { # a tarball of a bare debootstrap root, made once per release
  local rel=$1
  local tar="$cache/$rel-base.tar"
  if [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
    echo "matrix[$rel]: debootstrap (a few minutes, once)" >&2
    local tmp; tmp=$(mktemp -d "$cache/build-$rel.XXXX")
    unshare --mount --fork debootstrap --variant=minbase --include=ca-certificates "$rel" "$tmp" \
      http://deb.debian.org/debian >"$cache/$rel-debootstrap.log" 2>&1 \
      || { echo "matrix[$rel]: debootstrap failed, see $cache/$rel-debootstrap.log" >&2; return 1; }
    tar -C "$tmp" --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -cf "$tar.part" . && mv "$tar.part" "$tar"
    remove_root "$tmp"
  fi
  echo "$tar"
}

remove_root() { # refuses while anything below it is mounted
  local dir; dir=$(realpath "$1")
  if awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {found = 1} END {exit !found}' /proc/mounts; then
    echo "matrix: $dir still has mounts; not removing it" >&2; return 1
  fi
  rm -rf --one-file-system "$dir"
}

setup_stamp() { cat "$here/scripts/setup.sh" "$here/package.json" "$here/pnpm-lock.yaml" | sha256sum | cut -c1-16; }

run_root_leg() {
  local rel=$1
  local root="$cache/$rel-root"
  mkdir -p "$cache"
  local tar; tar=$(base_image "$rel")
  if [ -n "$fresh" ] || [ "$(cat "$root.stamp" 2>/dev/null)" != "$(setup_stamp)" ]; then
    [ -e "$root" ] && { remove_root "$root" || return 1; }
    rm -f "$root.stamp"
    mkdir -p "$root" && tar -C "$root" -xf "$tar"
    echo "matrix[$rel]: a new root from the bare image"
  else
    echo "matrix[$rel]: reusing the prepared root (set-up unchanged; --fresh to start bare)"
  fi
  # Node and npm as CI's machine has them, the host's CA bundle, resolver and npm config for the registries.
  cp /usr/bin/node "$root/usr/bin/node"
  rm -rf "$root/usr/lib/node_modules/npm" && mkdir -p "$root/usr/lib/node_modules"
  cp -r "$(dirname "$(dirname "$(realpath "$(command -v npm)")")")" "$root/usr/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  [ -f /root/.npmrc ] && cp /root/.npmrc "$root/root/.npmrc"
  rm -rf "$root/work/paved" && mkdir -p "$root/work/paved"
  (cd "$here" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -C "$root/work/paved" -xf -

  local rc=0
  LEG=$rel QUICKSTART=$quickstart SETUP_COMMAND=$setup_command TEST_COMMAND=$test_command ROOT=$root LEG_SCRIPT=$leg_script \
    unshare --mount --propagation private --fork bash -euc '
      # The root is a mount point of its own, so Nix can pivot_root into its sandbox from inside the chroot.
      mount --bind "$ROOT" "$ROOT"
      mount -t tmpfs -o mode=755,size=16m matrix-dev "$ROOT/dev"
      for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
        set -- $n; mknod -m 666 "$ROOT/dev/$1" c "$2" "$3"
      done
      mkdir -p "$ROOT/dev/pts" "$ROOT/dev/shm"
      mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$ROOT/dev/pts"
      ln -s pts/ptmx "$ROOT/dev/ptmx"
      mount -t tmpfs -o mode=1777 matrix-shm "$ROOT/dev/shm"
      ln -s /proc/self/fd "$ROOT/dev/fd"
      for i in 0:stdin 1:stdout 2:stderr; do ln -s "/proc/self/fd/${i%%:*}" "$ROOT/dev/${i#*:}"; done
      mount -t tmpfs -o mode=1777 matrix-tmp "$ROOT/tmp"
      exec unshare --pid --fork --mount-proc="$ROOT/proc" chroot "$ROOT" /usr/bin/env -i \
        HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb LANG=C.UTF-8 \
        LEG="$LEG" QUICKSTART="$QUICKSTART" SETUP_COMMAND="$SETUP_COMMAND" TEST_COMMAND="$TEST_COMMAND" \
        bash -c "cd /work/paved && $LEG_SCRIPT"
    ' || rc=$?
  # The set-up ran to the end (the tests may still have failed): this root is prepared for the next run.
  [ -x "$root/work/paved/node_modules/.bin/vitest" ] && setup_stamp >"$root.stamp"
  return $rc
}

failed=()
for leg in "${legs[@]}"; do
  start=$(date +%s)
  if [ "$leg" = host ]; then run_host_leg || failed+=("$leg"); else run_root_leg "$leg" || failed+=("$leg"); fi
  echo "matrix[$leg]: done in $(($(date +%s) - start)) s"
done
if ((${#failed[@]})); then echo "matrix: failed legs: ${failed[*]}" >&2; exit 1; fi
echo "matrix: all legs passed (${legs[*]})"
