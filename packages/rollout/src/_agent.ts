/**
 * The on-host agent: a POSIX sh script paved installs into the host's state directory (once per version) and
 * runs with `sh AGENT ACTION ARGS…`. It exists so the parts that must survive paved dying — the activation and the
 * guard that rolls back by itself — run on the host, detached from the SSH session: under `systemd-run` where
 * systemd runs (as nixos-rebuild does), else `setsid` with output to files. Every action prints `key=value` lines.
 *
 * Files in the attempt directory D: guard.pid, decided/by (who decided: "confirm", "rollback", "resume",
 * "salvage" (paved stopping because its journal failed) or "guard" — `mkdir decided` is the atomic lock that makes paved and the guard never both act), guard.rc,
 * JOB.pid / JOB.unit / JOB.log / JOB.rc for the detached jobs "activate" and "boot", and mutex (a directory) held
 * around every change of the profile.
 */
import { createHash } from "node:crypto";

export const AGENT_SCRIPT = String.raw`# paved rollout agent: see packages/rollout/src/_agent.ts
set -u
# A dropped SSH session (paved killed, the network gone) must not stop an action half-way: a restore that was
# decided finishes, so the host ends where its decided/by file says.
trap '' HUP PIPE
self=$0
action=$1
shift

now() { date +%s; }

generation() {
  if [ -L "$1" ]; then
    printf '%s\n' "$(readlink "$1")" | sed -n 's/.*-\([0-9][0-9]*\)-link$/\1/p'
  fi
}

current() {
  echo "generation=$(generation "$1")"
  if [ -e "$1" ]; then echo "path=$(readlink -f "$1")"; else echo "path="; fi
}

detach() {
  unit=$1; log=$2; shift 2
  if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
    systemd-run --unit="$unit" --collect --quiet --no-ask-password --service-type=exec \
      --setenv=PATH="$PATH" -- "$@" >>"$log" 2>&1 || return $?
    echo "$unit" > "$log.unit"
  else
    setsid "$@" </dev/null >>"$log" 2>&1 &
  fi
}

finish() {
  echo "$2" > "$1.tmp"
  mv -f "$1.tmp" "$1"
}

stop_job() {
  d=$1; name=$2
  [ -e "$d/$name.rc" ] && return 0
  if [ -e "$d/$name.log.unit" ]; then
    systemctl stop "$(cat "$d/$name.log.unit")" 2>/dev/null
  elif [ -e "$d/$name.pid" ]; then
    pid=$(cat "$d/$name.pid")
    # The job leads its own process group (setsid): stop the whole group, so a hung switch-to-configuration
    # and its children go too. No "--" before the negative pid: dash's kill refuses it.
    kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    sleep 1
    kill -KILL "-$pid" 2>/dev/null
  fi
  [ -e "$d/$name.pid" ] && [ ! -e "$d/$name.rc" ] && finish "$d/$name.rc" 143
  return 0
}

# A mutex (mkdir) per attempt around every profile change, so a set-profile that was already under way when paved
# died cannot land after the guard or a rollback restored the previous generation. A holder that is gone (its
# pid in mutex/pid is dead) is broken at once; one that never wrote its pid, after 60s.
lock() {
  mkdir -p "$1"
  n=0
  while ! mkdir "$1/mutex" 2>/dev/null; do
    o=$(cat "$1/mutex/pid" 2>/dev/null)
    n=$((n + 1))
    if { [ -n "$o" ] && ! kill -0 "$o" 2>/dev/null; } || [ "$n" -ge 600 ]; then rm -rf "$1/mutex"; n=0; continue; fi
    sleep 0.1 2>/dev/null || sleep 1
  done
  echo $$ > "$1/mutex/pid"
}
unlock() { rm -rf "$1/mutex"; return 0; }

restore() {
  d=$1; profile=$2; gen=$3; path=$4; act=$5
  lock "$d"
  if [ "$(readlink -f "$profile" 2>/dev/null)" != "$path" ]; then
    nix-env -p "$profile" --switch-generation "$gen" >>"$d/restore.log" 2>&1 ||
      nix-env -p "$profile" --set "$path" >>"$d/restore.log" 2>&1 || { unlock "$d"; return 90; }
  fi
  unlock "$d"
  if [ "$act" = none ]; then return 0; fi
  # Output to the attempt's log, not to an SSH session that may be gone.
  "$path/bin/switch-to-configuration" "$act" >>"$d/restore.log" 2>&1
}

# After the decision went against the new system: stop its jobs, restore the profile, and undo what ran —
# re-activate the previous system after an activation, make it the boot default again after a boot job.
undo() {
  d=$1
  stop_job "$d" activate
  stop_job "$d" boot
  act=none
  if [ -e "$d/activate.pid" ] || [ -e "$d/activate.rc" ]; then act=test; fi
  if [ -e "$d/boot.pid" ] || [ -e "$d/boot.rc" ]; then act=boot; fi
  restore "$d" "$2" "$3" "$4" "$act"
}

case $action in
probe)
  current "$1"
  if [ -d /run/systemd/system ]; then echo systemd=yes; else echo systemd=no; fi
  ;;
set-profile)
  # $3: the attempt directory; once its decision is taken (the guard fired), the profile is not touched.
  d=""; [ $# -ge 3 ] && d=$3
  if [ -n "$d" ]; then
    lock "$d"
    if [ -d "$d/decided" ]; then unlock "$d"; echo "refused=$(cat "$d/decided/by" 2>/dev/null)"; current "$1"; exit 0; fi
  fi
  nix-env -p "$1" --set "$2"
  rc=$?
  [ -n "$d" ] && unlock "$d"
  [ "$rc" = 0 ] || exit "$rc"
  current "$1"
  ;;
arm)
  d=$1; job=activate; [ $# -ge 8 ] && job=$8
  mkdir -p "$d" || exit 1
  detach "$2-guard" "$d/guard.log" sh "$self" guard "$d" "$3" "$4" "$5" "$6" "$7" "$job" || exit $?
  echo armed=yes
  ;;
guard)
  # job: the job paved confirms after — "activate" (switch-to-configuration test, switch and test modes) or
  # "boot" (switch-to-configuration boot, boot mode).
  d=$1; profile=$2; gen=$3; path=$4; activate_s=$5; confirm_s=$6; job=$7
  echo $$ > "$d/guard.pid"
  # Three clocks: paved must start the job within activate_s + confirm_s of arming, the job must end within
  # activate_s of starting, and paved must confirm within confirm_s of its end.
  armed=$(now); started=""; ended=""
  while :; do
    [ -d "$d/decided" ] && exit 0
    t=$(now)
    if [ -e "$d/$job.rc" ]; then
      [ -n "$ended" ] || ended=$t
      [ $((t - ended)) -ge "$confirm_s" ] && break
    elif [ -e "$d/$job.pid" ]; then
      [ -n "$started" ] || started=$t
      [ $((t - started)) -ge "$activate_s" ] && break
    elif [ $((t - armed)) -ge $((activate_s + confirm_s)) ]; then
      break
    fi
    sleep 0.5 2>/dev/null || sleep 1
  done
  mkdir "$d/decided" 2>/dev/null || exit 0
  echo guard > "$d/decided/by"
  undo "$d" "$profile" "$gen" "$path"
  finish "$d/guard.rc" $?
  ;;
salvage)
  # paved must stop (its journal cannot be written): take the decision and undo the attempt, in one connection.
  d=$1; profile=$2; gen=$3; path=$4
  mkdir -p "$d"
  if mkdir "$d/decided" 2>/dev/null; then
    echo salvage > "$d/decided/by"
    undo "$d" "$profile" "$gen" "$path"
    echo "rc=$?"
    echo decided=salvage
  else
    echo "decided=$(cat "$d/decided/by" 2>/dev/null || true)"
  fi
  current "$profile"
  ;;
start)
  # Starts a job detached, then waits for it like "wait" does (saves a connection when it is quick).
  d=$1; name=$2; unit=$3; system=$4; act=$5
  mkdir -p "$d" || exit 1
  rm -f "$d/$name.rc" "$d/$name.pid"
  detach "$unit-$name" "$d/$name.log" sh "$self" job "$d" "$name" "$system" "$act" || exit $?
  echo started=yes
  exec sh "$self" wait "$d" "$name" "$6"
  ;;
job)
  d=$1; name=$2; system=$3; act=$4
  echo $$ > "$d/$name.pid"
  "$system/bin/switch-to-configuration" "$act"
  finish "$d/$name.rc" $?
  ;;
wait)
  d=$1; name=$2; limit=$3
  start=$(now)
  while [ ! -e "$d/$name.rc" ] && [ $(($(now) - start)) -lt "$limit" ]; do
    sleep 0.2 2>/dev/null || sleep 1
  done
  if [ -e "$d/$name.rc" ]; then echo "rc=$(cat "$d/$name.rc")"; else echo rc=running; fi
  ;;
decide)
  d=$1; who=$2
  mkdir -p "$d"
  if mkdir "$d/decided" 2>/dev/null; then
    echo "$who" > "$d/decided/by"
    echo "decided=$who"
  else
    by=$(cat "$d/decided/by" 2>/dev/null || true)
    echo "decided=$by"
  fi
  ;;
rollback)
  # Takes the decision for WHO unless one was taken, then restores in a job of its own on the host: a paved that
  # dies mid-call (its SSH connection gone) cannot leave the decision taken and the restore undone. Only the
  # guard's own decision is left to the guard. The job runs once per attempt directory; a later call waits for it.
  d=$1; who=$2; profile=$3; gen=$4; path=$5; act=$6; unit=$7; limit=900; [ $# -ge 8 ] && limit=$8
  mkdir -p "$d" || exit 1
  if mkdir "$d/decided" 2>/dev/null; then echo "$who" > "$d/decided/by"; fi
  by=$(cat "$d/decided/by" 2>/dev/null || true)
  echo "decided=$by"
  if [ "$by" = guard ]; then current "$profile"; exit 0; fi
  if [ ! -e "$d/rollback.rc" ]; then
    pid=$(cat "$d/rollback.pid" 2>/dev/null || true)
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
      detach "$unit" "$d/rollback.log" sh "$self" rollback-job "$d" "$profile" "$gen" "$path" "$act" || exit $?
    fi
  fi
  start=$(now)
  while [ ! -e "$d/rollback.rc" ] && [ $(($(now) - start)) -lt "$limit" ]; do sleep 0.1 2>/dev/null || sleep 1; done
  if [ -e "$d/rollback.rc" ]; then echo "rc=$(cat "$d/rollback.rc")"; else echo rc=running; fi
  current "$profile"
  ;;
rollback-job)
  d=$1; profile=$2; gen=$3; path=$4; act=$5
  echo $$ > "$d/rollback.pid"
  stop_job "$d" activate
  stop_job "$d" boot
  restore "$d" "$profile" "$gen" "$path" "$act"
  finish "$d/rollback.rc" $?
  ;;
await-guard)
  d=$1; limit=$2
  start=$(now)
  while [ ! -e "$d/guard.rc" ] && [ $(($(now) - start)) -lt "$limit" ]; do sleep 0.2 2>/dev/null || sleep 1; done
  if [ -e "$d/guard.rc" ]; then echo "guard=$(cat "$d/guard.rc")"; else echo guard=running; fi
  ;;
lease)
  # One rollout at a time drives a host: STATE_DIR/lease says which (id, expiry, holder), under the mutex.
  # A lease that expired is stale; so is TAKEOVER's (paved found its process gone), unless a guard of it is
  # still pending — then that guard must decide first.
  # PROFILE (optional): the lease answers the probe too, so taking a wave's leases costs no extra connection.
  s=$1; id=$2; ttl=$3; holder=$4; takeover=""; [ $# -ge 5 ] && takeover=$5; profile=""; [ $# -ge 6 ] && profile=$6
  lock "$s"
  cur_id=""; cur_exp=0; cur_holder=""
  if [ -e "$s/lease" ]; then
    cur_id=$(sed -n 's/^id=//p' "$s/lease"); cur_exp=$(sed -n 's/^expires=//p' "$s/lease"); cur_holder=$(sed -n 's/^holder=//p' "$s/lease")
  fi
  [ -n "$cur_exp" ] || cur_exp=0
  t=$(now)
  pending=""
  if [ -n "$cur_id" ] && [ "$cur_id" = "$takeover" ]; then
    for p in "$s/$cur_id"/*/guard.pid; do
      [ -e "$p" ] || continue
      [ -d "$(dirname "$p")/decided" ] || pending=$(dirname "$p")
    done
  fi
  if [ -n "$cur_id" ] && [ "$cur_id" != "$id" ] && [ "$cur_exp" -gt "$t" ] && { [ "$cur_id" != "$takeover" ] || [ -n "$pending" ]; }; then
    unlock "$s"
    echo lease=held; echo "id=$cur_id"; echo "holder=$cur_holder"; echo "expires=$cur_exp"; echo "pending=$pending"
    exit 0
  fi
  printf 'id=%s\nexpires=%s\nholder=%s\n' "$id" $((t + ttl)) "$holder" > "$s/lease.tmp" && mv -f "$s/lease.tmp" "$s/lease"
  unlock "$s"
  echo lease=ok; echo "expires=$((t + ttl))"
  if [ -n "$profile" ]; then
    current "$profile"
    if [ -d /run/systemd/system ]; then echo systemd=yes; else echo systemd=no; fi
  fi
  ;;
release)
  s=$1; id=$2
  lock "$s"
  [ "$(sed -n 's/^id=//p' "$s/lease" 2>/dev/null)" = "$id" ] && rm -f "$s/lease"
  unlock "$s"
  echo released=yes
  ;;
state)
  d=$1
  echo "decided=$(cat "$d/decided/by" 2>/dev/null || true)"
  echo "guard=$(cat "$d/guard.rc" 2>/dev/null || true)"
  echo "activate=$(cat "$d/activate.rc" 2>/dev/null || true)"
  echo "boot=$(cat "$d/boot.rc" 2>/dev/null || true)"
  current "$2"
  ;;
*)
  echo "paved agent: unknown action $action" >&2
  exit 64
  ;;
esac
`;

export const AGENT_VERSION = createHash("sha256").update(AGENT_SCRIPT).digest("hex").slice(0, 12);

/**
 * Installs the agent (content from stdin) at $1 unless that exact version is there, then runs it with the rest
 * of the arguments — one SSH round trip for the first call to a host.
 */
export const INSTALL_AND_RUN = String.raw`set -e
a=$1; shift
if [ ! -s "$a" ]; then
  umask 077
  mkdir -p "$(dirname "$a")"
  cat > "$a.tmp.$$"
  mv -f "$a.tmp.$$" "$a"
else
  cat > /dev/null
fi
exec sh "$a" "$@"`;
