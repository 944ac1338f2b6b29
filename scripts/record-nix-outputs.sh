#!/usr/bin/env bash
# Records what this machine's Nix prints for the calls paved parses (JSON shapes, error text, exit codes) into
# packages/core/test/nix-recorded/<version>/, for the unit tests of core's Nix-version layer. Run it on each
# supported Nix (the matrix legs have 2.8 and 2.26): `bash scripts/record-nix-outputs.sh`. Needs scripts/setup.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
version=$(nix --version | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n1)
out="$here/packages/core/test/nix-recorded/$version"
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NIX_CONFIG="experimental-features = nix-command flakes
substituters =
flake-registry = $work/registry.json
warn-dirty = false
connect-timeout = 1"
echo '{"flakes":[],"version":2}' >"$work/registry.json"
nix --version >"$out/version.txt"

# Each case: NAME, a directory, a command. Stores stdout, stderr (store hashes and temp dirs made stable) and
# the exit code.
record() {
  local name=$1 dir=$2; shift 2
  (cd "$dir" && "$@") >"$out/$name.stdout" 2>"$out/$name.stderr"
  echo $? >"$out/$name.exit"
  sed -i -e "s|$work|/tmp/REC|g" "$out/$name.stdout" "$out/$name.stderr"
}

flake() { # DIR TEXT: a git repository with flake.nix (tracked) and the fixture's sandbox tools
  mkdir -p "$1" && printf '%s\n' "$2" >"$1/flake.nix"
  cp "$here/fixtures/nixpkgs/bootstrap.nix" "$1/" && cp -r "$here/fixtures/nixpkgs/bootstrap" "$1/"
  git -C "$1" init -q && git -C "$1" add -A
}
tools='(import ./bootstrap.nix { system = "x86_64-linux"; })'
stamp=$(date +%s%N)

flake "$work/ok" "{ outputs = { self }: let t = $tools; in {
  pkg = derivation { name = \"rec-$stamp\"; system = \"x86_64-linux\"; builder = t.sh; args = [ \"-c\" \"echo hi > \$out\" ]; };
  multi = derivation { name = \"rec-multi-$stamp\"; system = \"x86_64-linux\"; builder = t.sh; outputs = [ \"out\" \"doc\" ];
    args = [ \"-c\" \"echo a > \$out; echo b > \$doc\" ]; };
  broken = derivation { name = \"rec-broken-$stamp\"; system = \"x86_64-linux\"; builder = t.sh;
    args = [ \"-c\" \"echo compiling; echo something broke >&2; exit 3\" ]; };
  shell = derivation { name = \"rec-shell\"; system = \"x86_64-linux\"; builder = t.bash; PATH = t.bin; outputs = [ \"out\" ];
    FOO = \"bar baz\"; args = [ \"-c\" \"export > \$out\" ]; };
  bad = 1 + \"a\";
  deep = let f = x: x.missing; in { v = f { }; };
}; }"
record build-json "$work/ok" nix build --no-link --json .#pkg .#multi
drv=$(cd "$work/ok" && nix eval --raw .#pkg.drvPath)
record build-drv-plain "$work/ok" nix build --no-link --json "$drv"
record build-drv-caret "$work/ok" nix build --no-link --json "$drv^*"
record build-failure "$work/ok" nix build --no-link .#broken
path=$(cd "$work/ok" && nix build --no-link --print-out-paths .#pkg 2>/dev/null || nix eval --raw .#pkg.outPath)
record path-info-json "$work/ok" nix path-info --json --closure-size "$path"
record path-info-missing "$work/ok" nix path-info --json /nix/store/00000000000000000000000000000000-missing
record eval-error "$work/ok" nix eval .#bad
record eval-error-deep "$work/ok" nix eval .#deep.v
record missing-attribute "$work/ok" nix eval .#nope
record print-dev-env "$work/ok" nix print-dev-env --json .#shell
record flake-metadata "$work/ok" nix flake metadata --json
record eval-missing-file "$work/ok" nix eval --file "$work/no-such-dir/default.nix" x

mkdir -p "$work/untracked" && echo '{ outputs = { self }: { x = 1; }; }' >"$work/untracked/flake.nix" && git -C "$work/untracked" init -q
record untracked "$work/untracked" nix eval .#x

flake "$work/input" '{ inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05"; outputs = { self, nixpkgs }: { x = 1; }; }'
record input-unreachable "$work/input" nix eval .#x

flake "$work/syntax" '{ outputs = { self }: { x = 1 +; }; }'
record syntax-error "$work/syntax" nix eval .#x

# Profiles as the rollout agent drives them on a host.
mkdir -p "$work/profiles"
record profile-set "$work" nix-env --profile "$work/profiles/system" --set "$path"
record profile-list "$work" nix-env --profile "$work/profiles/system" --list-generations
# Store paths and temp names differ per run; generation dates per day: keep the shapes only.
sed -i -E -e 's|/nix/store/[0-9a-z]{32}-|/nix/store/HASH-|g' -e "s|rec-(multi-\|broken-)?$stamp|rec-\1STAMP|g" \
  -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/g' \
  -e 's/"(lastModified|startTime|stopTime|registrationTime)": ?[0-9]+/"\1":0/g' \
  -e 's/"EPOCH(REALTIME|SECONDS)":\{"type":"var","value":"[0-9.]+"\}/"EPOCH\1":{"type":"var","value":"0"}/g' \
  -e 's/"narHash": ?"sha256-[^"]*"/"narHash":"sha256-X"/g' "$out"/*.stdout "$out"/*.stderr
echo "recorded $(ls "$out" | wc -l) files for Nix $version in ${out#$here/}"
