#!/usr/bin/env bash
# Quick start: set the machine up (scripts/setup.sh), then walk the example organisation in examples/acme
# through the five-step path with the real paved and the real Nix, in a temporary directory.
#
# This machine may have no network, so the walkthrough points nixpkgs at paved's test nixpkgs
# (fixtures/nixpkgs: package contents are stand-ins, evaluation and builds are the real Nix). In your own
# repositories, leave out --nixpkgs and Nix fetches the real nixpkgs release pinned in flake.nix.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup.sh"

paved() { "$here/apps/cli/bin/paved" "$@"; }
step() { printf '\n\033[1m$ paved %s\033[0m\n' "$*"; }
work="$(mktemp -d "${TMPDIR:-/tmp}/paved-quickstart-XXXXXX")"
cp -r "$here/examples/acme/." "$work/"
cp -r "$here/fixtures/nixpkgs" "$work/nixpkgs"
for repo in platform api web worker; do
  git -C "$work/$repo" init -q
  git -C "$work/$repo" add -A
  git -C "$work/$repo" -c user.name=acme -c user.email=dev@acme.invalid commit -qm initial
done
export NIX_CONFIG="experimental-features = nix-command flakes
substituters ="
cd "$work/platform"
echo "Walking the Acme example in $work"

step doctor; paved doctor || true
step init --platform; paved init --platform
for app in api web worker; do
  step init --yes --dir ../$app --nixpkgs ../nixpkgs; paved init --yes --dir "../$app" --nixpkgs "$work/nixpkgs"
done
step ci init --provider github --dir ../api; paved ci init --provider github --dir ../api
step shell --dir ../api --nixpkgs ../nixpkgs -- go version
paved shell --dir ../api --nixpkgs "$work/nixpkgs" -- go version
step "shell --dir ../api --nixpkgs ../nixpkgs -- go version   (warm: no nix process runs)"
paved shell --dir ../api --nixpkgs "$work/nixpkgs" -- go version
step status; paved status || true
step plan; paved plan || true
step report --html acme.html; paved report --html acme.html
echo
echo "Done. The example organisation is in $work; the report is $work/platform/acme.html."
