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

# First non-security mirror URI of the host's apt sources (deb822 or one-line).
find_mirror() {
  local uri=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' /etc/apt/sources.list.d/*.sources \
          | grep -v -- '-security' | head -n 1 || true)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' \
          /etc/apt/sources.list | grep -v -- '-security' | head -n 1 || true)
  fi
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
  echo "$uri"
}

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "missing $keyring (install debian-archive-keyring)"
for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || die "missing $tool"
done

mirror=$(find_mirror)
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,sources.d,prefs.d,trusted.d,conf.d,debs} "$sysroot"
touch "$apt_dir/status"

cat > "$apt_dir/sources.list" <<SOURCES
deb [signed-by=$keyring] $mirror $suite main
SOURCES

# Every directory apt would read or write points inside build/apt.
cat > "$apt_dir/apt.conf" <<CONF
Dir::State "$apt_dir";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/sources.d";
Dir::Etc::Preferences "$apt_dir/preferences";
Dir::Etc::PreferencesParts "$apt_dir/prefs.d";
Dir::Etc::TrustedParts "$apt_dir/trusted.d";
APT::Architecture "riscv64";
APT::Architectures { "riscv64"; };
APT::Install-Recommends "false";
APT::Sandbox::User "root";
Acquire::Languages "none";
CONF
export APT_CONFIG=$apt_dir/apt.conf

# Refresh the index when missing or older than a day.
if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit)" ]; then
  say "updating package index for $suite/riscv64"
  apt-get -q update >"$apt_dir/update.log" 2>&1 || { cat "$apt_dir/update.log" >&2; die "apt-get update failed"; }
fi

# Depends and Pre-Depends closure of the wanted packages (virtual packages,
# shown as <name>, are provided by a real one that is also listed).
mapfile -t packages < <(
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "${wanted[@]}" 2>"$apt_dir/depends.log" \
    | grep -v '^ ' | grep -v '^<' | sort -u
)
[ "${#packages[@]}" -gt 0 ] || { cat "$apt_dir/depends.log" >&2; die "could not resolve dependencies of ${wanted[*]}"; }

# Download only what is not here yet; apt-get download names files
# name_version_arch.deb, so an existing file means that exact version is here.
missing=()
while read -r pkg version; do
  file_version=${version//:/%3a}
  [ -f "$apt_dir/debs/${pkg}_${file_version}_riscv64.deb" ] || \
    [ -f "$apt_dir/debs/${pkg}_${file_version}_all.deb" ] || missing+=("$pkg")
done < <(apt-cache show --no-all-versions "${packages[@]}" \
           | awk '/^Package:/ { name = $2 } /^Version:/ { print name, $2 }')
if [ "${#missing[@]}" -gt 0 ]; then
  say "downloading ${#missing[@]} packages: ${missing[*]}"
  (cd "$apt_dir/debs" && apt-get -q download "${missing[@]}" >"$apt_dir/download.log" 2>&1) \
    || { cat "$apt_dir/download.log" >&2; die "apt-get download failed"; }
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
