#!/usr/bin/env bash
# Sets up a machine with Node and npm only (Debian/Ubuntu, as root or with sudo): the system tools paved and its
# tests use, the pinned pnpm, and the dependencies from the lockfile. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v nix >/dev/null || need_apt+=(nix-bin)
command -v git >/dev/null || need_apt+=(git)
command -v direnv >/dev/null || need_apt+=(direnv)
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v ssh >/dev/null || need_apt+=(openssh-client)
command -v ssh-audit >/dev/null || need_apt+=(ssh-audit)
command -v chromium >/dev/null || need_apt+=(chromium)
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# Debian's sshd refuses to start without its privilege-separation directory; tests run their own sshd.
[ -d /run/sshd ] || as_root mkdir -p /run/sshd

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  echo "setup: installing pnpm ${pnpm_version}"
  as_root npm install -g "pnpm@${pnpm_version}" >/dev/null
fi
# --frozen-lockfile: exactly the versions in pnpm-lock.yaml. postinstall bundles the CLI.
pnpm install --frozen-lockfile
