#!/usr/bin/env bash
# The test matrix, as CI runs it: `bash scripts/matrix.sh` runs the README's two quick-start commands (set up and
# walk the example, then the test command) with CI=true on every leg:
#   host      this machine (CI's is Debian 12: Nix 2.8, OpenSSH 9.2)
#   trixie    a Debian 13 root made with debootstrap (Nix 2.26, OpenSSH 10)
#   bookworm  a Debian 12 root made with debootstrap (not in the default matrix: the host is Debian 12)
# Usage: scripts/matrix.sh [--fresh] [--no-quickstart] [LEG…]   (default legs: host trixie)
#        scripts/matrix.sh run RELEASE CMD…   runs CMD in that release's prepared root, in a fresh copy of this
#                                             checkout after scripts/setup.sh; files CMD writes come back here
#                                             (for example: run trixie bash scripts/record-nix-outputs.sh)
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
fresh= quickstart=1 legs=() run_cmd=()
if [ "${1:-}" = run ]; then
  [ $# -ge 3 ] || { echo "matrix: usage: scripts/matrix.sh run RELEASE CMD…" >&2; exit 2; }
  legs=("$2") run_cmd=("${@:3}"); set --
fi
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=1 ;;
    --no-quickstart) quickstart= ;;
    host | trixie | bookworm) legs+=("$arg") ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "matrix: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
((${#legs[@]})) || legs=(host trixie)
[ "$(id -u)" = 0 ] || { echo "matrix: run as root (it installs packages and makes chroots)" >&2; exit 1; }

readme_command() { # the shell line under <!-- NAME --> in README.md
  awk -v m="<!-- $1 -->" '$0 == m {getline; getline; print; exit}' "$here/README.md"
}
# copy_checkout DEST: DEST becomes a clone of this checkout as it is now, uncommitted and untracked (not ignored)
# files included, committed there as one commit — like CI's clone of main, which tests rely on (`git+file://`).
copy_checkout() {
  local dest=$1 index tree commit
  index=$(mktemp -u)  # a scratch index, so the checkout's own staging area is left alone
  tree=$(cd "$here" && { cp "$(git rev-parse --git-path index)" "$index" 2>/dev/null || true; } &&
    GIT_INDEX_FILE=$index git add -A && GIT_INDEX_FILE=$index git write-tree)
  rm -f "$index"
  commit=$(cd "$here" && git -c user.name=matrix -c user.email=matrix@paved.invalid commit-tree -p HEAD -m "matrix: the working tree" "$tree")
  git -C "$here" update-ref refs/paved-matrix/worktree "$commit"
  rm -rf "$dest" && git clone -q --no-checkout "$here" "$dest"
  git -C "$dest" fetch -q origin refs/paved-matrix/worktree && git -C "$dest" checkout -q --detach FETCH_HEAD
  git -C "$here" update-ref -d refs/paved-matrix/worktree
}

setup_command=$(readme_command setup-command)
test_command=$(readme_command test-command)
[ -n "$setup_command" ] && [ -n "$test_command" ] || { echo "matrix: README.md lacks its two commands" >&2; exit 1; }

# The body of every leg, run as PID 1 of a fresh PID namespace inside the leg's checkout: both README commands,
# then checks that the tests left no process (anything still running besides this shell) and no temp dir behind.
leg_script='
set -uo pipefail
export CI=true
if [ -n "$QUICKSTART" ]; then
  echo "matrix[$LEG]: $ $SETUP_COMMAND"
  bash -c "$SETUP_COMMAND" || { echo "matrix[$LEG]: the README set-up command failed" >&2; exit 1; }
else
  bash scripts/setup.sh || exit 1
fi
lint_rc=0
if [ "$LEG" = host ]; then
  # Formatting, lint rules, unused code and Nix built from strings: once, on the host leg (it is the same code).
  echo "matrix[$LEG]: $ pnpm lint"
  pnpm -s lint || { lint_rc=$?; echo "matrix[$LEG]: pnpm lint failed" >&2; }
fi
temp_dirs() { find /tmp /var/tmp -mindepth 1 -maxdepth 1 -name "paved-*" 2>/dev/null | sort; }
temp_dirs >/tmp/matrix-temp-before.txt
echo "matrix[$LEG]: $ $TEST_COMMAND"
bash -c "$TEST_COMMAND"; rc=$?
[ "$rc" = 0 ] && [ "$lint_rc" != 0 ] && rc=$lint_rc
# A run that leaves its temp dirs behind fills a shared disk within a day (it did: CI failed with ENOSPC).
left=$(temp_dirs | comm -13 /tmp/matrix-temp-before.txt -)
if [ -n "$left" ]; then
  echo "matrix[$LEG]: the tests left temp dirs behind:" >&2; echo "$left" | head -n 20 >&2
  [ "$rc" = 0 ] && rc=1
fi
ps -eo pid=,ppid=,args= >/tmp/matrix-ps.txt
left=$(awk -v self=$$ '"'"'$1 != self && !($2 == self && $3 == "ps")'"'"' /tmp/matrix-ps.txt)
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
  copy_checkout "$work"
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
    local tmp; tmp=$(mktemp -d "$cache/build-$rel.XXXX") && chmod 755 "$tmp"
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

# in_root ROOT CMD…: runs CMD as PID 1 of a new PID namespace whose root is ROOT (pivot_root in a private mount
# namespace), with its own /dev, /dev/pts, /dev/shm, /proc and /tmp: all of it, and every process, ends with CMD.
in_root() {
  local root=$1; shift
  # What reaches the registries from this machine reaches them from the root too (a proxy, its CA).
  local pass=() name
  for name in NODE_EXTRA_CA_CERTS http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [ -n "${!name:-}" ] && pass+=("$name=${!name}")
  done
  PASS_LIST="${pass[*]:-}" ROOT=$root unshare --mount --propagation private --pid --fork bash -euc '
    # This shell is PID 1 of the new PID namespace; the root becomes a mount point of its own.
    mount --bind "$ROOT" "$ROOT"
    read -r -a PASS <<<"$PASS_LIST"
    mount -t proc matrix-proc "$ROOT/proc"
    mount -t tmpfs -o mode=755,size=16m matrix-dev "$ROOT/dev"
    while read -r node major minor; do mknod -m 666 "$ROOT/dev/$node" c "$major" "$minor"; done <<<"null 1 3
zero 1 5
full 1 7
random 1 8
urandom 1 9
tty 5 0"
    mkdir -p "$ROOT/dev/pts" "$ROOT/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$ROOT/dev/pts"
    ln -s pts/ptmx "$ROOT/dev/ptmx"
    mount -t tmpfs -o mode=1777 matrix-shm "$ROOT/dev/shm"
    ln -s /proc/self/fd "$ROOT/dev/fd"
    for i in 0:stdin 1:stdout 2:stderr; do ln -s "/proc/self/fd/${i%%:*}" "$ROOT/dev/${i#*:}"; done
    mount -t tmpfs -o mode=1777 matrix-tmp "$ROOT/tmp"
    # pivot_root, not chroot: the root becomes the root of this mount namespace. Nix 2.8 re-enters its saved
    # mount namespace (setns) before it runs git, which resets a chrooted process to the namespace root: it then
    # looked for the repository on the host ("getting the HEAD of the Git tree … failed"). Nix can also
    # pivot_root into its own sandbox from here.
    cd "$ROOT" && mkdir -p .matrix-old-root && pivot_root . .matrix-old-root && cd /
    umount -l /.matrix-old-root && rmdir /.matrix-old-root
    exec /usr/bin/env -i \
      HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb LANG=C.UTF-8 \
      "${PASS[@]}" "$@"
  ' in_root "$@"
}

run_root_leg() {
  local rel=$1
  local root="$cache/$rel-root"
  mkdir -p "$cache"
  # One run per root at a time: a second checkout (a worktree, a second CI job) waits for the first to finish.
  exec {root_lock}>"$root.lock"
  flock "$root_lock" || return 1
  local tar; tar=$(base_image "$rel")
  local stamp; stamp=$(setup_stamp)  # of the set-up this run copies in, even if the checkout changes meanwhile
  if [ -n "$fresh" ] || [ "$(cat "$root.stamp" 2>/dev/null)" != "$stamp" ]; then
    [ -e "$root" ] && { remove_root "$root" || return 1; }
    rm -f "$root.stamp"
    mkdir -p "$root" && tar -C "$root" -xf "$tar"
    chmod 755 "$root"  # a machine's / is 755; a 700 one (mktemp's) would lock every user but root out of it
    echo "matrix[$rel]: a new root from the bare image"
  else
    echo "matrix[$rel]: reusing the prepared root (set-up unchanged; --fresh to start bare)"
    # Every run leaves a few GB of test builds in the root's store; a reused root would grow until the disk fills.
    in_root "$root" sh -c 'command -v nix-store >/dev/null && nix-store --gc >/dev/null 2>&1 || true'
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
  mkdir -p "$root/work" && copy_checkout "$root/work/paved"

  local rc=0
  if ((${#run_cmd[@]})); then
    touch "$root/work/.run-start"
    in_root "$root" bash -c 'cd /work/paved && bash scripts/setup.sh >/tmp/setup.log 2>&1 || { cat /tmp/setup.log; exit 1; }
      exec "$@"' run "${run_cmd[@]}" || rc=$?
    # The files the command wrote in the copy (recordings, say) come back to the checkout.
    (cd "$root/work/paved" && find . -newer ../.run-start -type f -not -path './node_modules/*' \
      -not -path '*/node_modules/*' -not -path './fixtures/nixpkgs/bootstrap/*' -not -path './apps/cli/dist/*' -print0 |
      tar --null -T - -cf -) | tar -C "$here" -xf -
    return $rc
  fi
  in_root "$root" env LEG="$rel" QUICKSTART="$quickstart" SETUP_COMMAND="$setup_command" TEST_COMMAND="$test_command" \
    bash -c "cd /work/paved && $leg_script" || rc=$?
  # The set-up ran to the end (the tests may still have failed): this root is prepared for the next run.
  [ -x "$root/work/paved/node_modules/.bin/vitest" ] && echo "$stamp" >"$root.stamp"
  return $rc
}

failed=() totals=(0 0 0)
out=$(mktemp)
for leg in "${legs[@]}"; do
  start=$(date +%s)
  if [ "$leg" = host ]; then run_host_leg; else run_root_leg "$leg"; fi > >(tee "$out") 2>&1 || failed+=("$leg")
  wait $! 2>/dev/null || true  # tee has written everything
  echo "matrix[$leg]: done in $(($(date +%s) - start)) s"
  # The test runner's closing line, "N passed, N failed, N skipped", added up over the legs.
  if line=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1); then
    read -r p _ f _ k _ <<<"${line//,/}"
    totals=($((totals[0] + p)) $((totals[1] + f)) $((totals[2] + ${k:-0})))
  elif [ -z "${run_cmd[*]}" ]; then
    failed+=("$leg (no test summary)")
  fi
done
rm -f "$out"
((${#run_cmd[@]})) || echo "matrix: ${totals[0]} passed, ${totals[1]} failed, ${totals[2]} skipped"
if ((${#failed[@]})); then echo "matrix: failed legs: ${failed[*]}" >&2; exit 1; fi
echo "matrix: all legs passed (${legs[*]})"
