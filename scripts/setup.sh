#!/usr/bin/env bash
# Sets up a machine with Node and npm only (Debian 12 or 13, as root or with sudo): the system tools paved and
# its tests use, Nix configured the way a multi-user install configures it (build users in the nixbld group,
# Nix's sandbox on), the fixture nixpkgs' build tools, the pinned pnpm and the locked dependencies.
# Safe to run again: every step checks first and changes only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
say() { echo "setup: $*"; }

apt_updated=
apt_update() { [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }; }

# --- Debian packages -------------------------------------------------------------------------------------
need_apt=()
command -v nix >/dev/null || need_apt+=(nix-bin)
command -v git >/dev/null || need_apt+=(git)
command -v direnv >/dev/null || need_apt+=(direnv)
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v ssh >/dev/null || need_apt+=(openssh-client)
command -v ssh-audit >/dev/null || need_apt+=(ssh-audit)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v ps >/dev/null || need_apt+=(procps)
command -v useradd >/dev/null || need_apt+=(passwd)
# The rollout fault tests: a tmpfs that fills up, a read-only bind mount, an immutable journal.
command -v mount >/dev/null || need_apt+=(mount)
command -v chattr >/dev/null || need_apt+=(e2fsprogs)
command -v setpriv >/dev/null || need_apt+=(util-linux)
# Shell completion is tested in real zsh and fish (bash is already there).
command -v zsh >/dev/null || need_apt+=(zsh)
command -v fish >/dev/null || need_apt+=(fish)
if ((${#need_apt[@]})); then
  say "installing ${need_apt[*]} from Debian"
  apt_update
  # A root made by debootstrap can carry half-configured packages; fix them before adding more.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# Debian's sshd refuses to start without its privilege-separation directory; tests run their own sshd.
[ -d /run/sshd ] || as_root mkdir -p /run/sshd

# --- Nix as a multi-user install has it ------------------------------------------------------------------
# Nix run as root builds as one of the nixbld users (its default build-users-group) inside its sandbox
# (on by default on Linux). Debian's nix-bin creates neither the group nor the users: make them as the
# official installer does (32 system users with no home and no login shell) and leave the sandbox alone.
if ! getent group nixbld >/dev/null; then
  say "creating the nixbld group and 32 build users"
  as_root groupadd --system nixbld
fi
nologin=$(command -v nologin || echo /usr/sbin/nologin)
for i in $(seq 1 32); do
  id "nixbld$i" >/dev/null 2>&1 || as_root useradd --system --no-create-home --home-dir /var/empty \
    --shell "$nologin" --gid nixbld --groups nixbld --comment "Nix build user $i" "nixbld$i"
done
conf=/etc/nix/nix.conf
as_root mkdir -p /etc/nix
if ! grep -qs '^[[:space:]]*build-users-group' "$conf"; then
  echo "build-users-group = nixbld" | as_root tee -a "$conf" >/dev/null
fi
if grep -qsE '^[[:space:]]*sandbox[[:space:]]*=[[:space:]]*(false|relaxed)' "$conf"; then
  echo "setup: $conf turns Nix's sandbox off; paved's tests expect it on. Remove that line." >&2
  exit 1
fi

# --- The fixture nixpkgs' build tools --------------------------------------------------------------------
# Fixture packages are built inside the sandbox, where the host's /bin is invisible: give them a static bash
# and busybox (see fixtures/README.md). Taken from Debian's packages without installing them.
boot=fixtures/nixpkgs/bootstrap
if [ ! -x "$boot/bin/bash" ] || [ ! -x "$boot/bin/busybox" ]; then
  say "unpacking a static bash and busybox for the fixture nixpkgs"
  apt_update
  tmp=$(mktemp -d) && chmod 1777 "$tmp"  # apt downloads as its own _apt user
  (cd "$tmp" && apt-get download -qq bash-static busybox-static >/dev/null)
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  rm -rf "$boot.part" && mkdir -p "$boot.part/bin"
  cp "$(find "$tmp/root" -path '*bin/bash-static' -type f | head -n1)" "$boot.part/bin/bash"
  cp "$(find "$tmp/root" -path '*bin/busybox' -type f | head -n1)" "$boot.part/bin/busybox"
  rm -rf "$tmp" "$boot" && mv "$boot.part" "$boot"
fi

# --- Node dependencies -----------------------------------------------------------------------------------
pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  say "installing pnpm ${pnpm_version}"
  as_root npm install -g "pnpm@${pnpm_version}" >/dev/null
fi
# --frozen-lockfile: exactly the versions in pnpm-lock.yaml. postinstall bundles the CLI.
pnpm install --frozen-lockfile
