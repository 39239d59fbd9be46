#!/usr/bin/env bash
# Assemble a riscv64 Debian trixie sysroot in build/sysroot (for `-L`), from
# Debian packages fetched with a private apt configuration under build/apt/,
# so the host's own apt state is never touched.
#
# The mirror is the one this machine's apt already uses (read from its
# sources), so no host name is written into the repository.
#
# Usage: scripts/make-sysroot.sh [extra-package ...]
# Env:   SYSROOT (default build/sysroot), SUITE (default trixie)
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

suite=${SUITE:-trixie}
sysroot=${SYSROOT:-$repo_root/build/sysroot}
apt_dir=$repo_root/build/apt
# Programs compare-debian.sh runs, plus the C library for dynamic programs.
wanted=(busybox-static gzip xz-utils zstd libc6 "$@")

die() { echo "make-sysroot: $*" >&2; exit 1; }
say() { [ -n "${QUIET:-}" ] || echo "make-sysroot: $*"; }
# shellcheck source=scripts/lib/debian-apt.sh
. "$repo_root/scripts/lib/debian-apt.sh"

debian_apt_require apt-get apt-cache dpkg-deb
debian_apt_configure "$apt_dir" "$suite"
mkdir -p "$sysroot"
debian_apt_update_index "$apt_dir" "$suite"

# Depends and Pre-Depends closure of the wanted packages (virtual packages,
# shown as <name>, are provided by a real one that is also listed).
mapfile -t packages < <(
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "${wanted[@]}" 2>"$apt_dir/depends.log" \
    | grep -v '^ ' | grep -v '^<' | sort -u
)
[ "${#packages[@]}" -gt 0 ] || { cat "$apt_dir/depends.log" >&2; die "could not resolve dependencies of ${wanted[*]}"; }

# Download only what is not here yet (a .deb of that exact version).
missing=()
while read -r pkg version; do
  debian_apt_deb_file "$apt_dir" "$pkg" "$version" >/dev/null || missing+=("$pkg")
done < <(debian_apt_versions "${packages[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  say "downloading ${#missing[@]} packages: ${missing[*]}"
  debian_apt_download "$apt_dir" download.log "${missing[@]}"
fi

# Extract each package once; a stamp per .deb file makes reruns cheap.
mkdir -p "$sysroot/.extracted"
for deb in "$apt_dir"/debs/*.deb; do
  stamp="$sysroot/.extracted/$(basename "$deb").stamp"
  [ -f "$stamp" ] && continue
  dpkg-deb -x "$deb" "$sysroot" || die "dpkg-deb -x $deb failed"
  touch "$stamp"
done

# Debian trixie is merged-/usr: the dynamic loader is looked up as
# /lib/ld-linux-riscv64-lp64d.so.1, so /lib, /bin, /sbin must lead into /usr.
for dir in bin sbin lib; do
  target=$sysroot/$dir
  if [ -d "$target" ] && [ ! -L "$target" ]; then
    mkdir -p "$sysroot/usr/$dir"
    cp -a "$target/." "$sysroot/usr/$dir/"
    rm -rf "$target"
  fi
  [ -e "$target" ] || [ -L "$target" ] || ln -s "usr/$dir" "$target"
done

for check in usr/bin/busybox usr/bin/gzip usr/bin/xz usr/bin/zstd lib/ld-linux-riscv64-lp64d.so.1; do
  [ -e "$sysroot/$check" ] || die "sysroot is missing /$check"
done
say "sysroot ready in $sysroot (${#packages[@]} packages)"
