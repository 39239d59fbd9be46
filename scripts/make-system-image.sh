#!/usr/bin/env bash
# Fetch what `wemu` needs to boot Debian's riscv64 Linux on the virt board, and
# build a small initramfs, all under build/system/:
#
#   fw_dynamic.bin   OpenSBI's generic firmware (for -bios), from `opensbi`
#   Image            the kernel as a raw RISC-V Linux Image (for -kernel), from
#                    `linux-image-riscv64` (Debian installs it as
#                    /boot/vmlinux-<version>; it is decompressed here if it
#                    comes gzip-compressed, and checked for the Image magic)
#   initramfs.cpio.gz  busybox (from `busybox-static`) and an /init that mounts
#                    proc, sys and dev and starts a shell on the console
#
# Packages come from Debian trixie riscv64 through a private apt configuration
# under build/apt/ (the same one scripts/make-sysroot.sh uses), so the host's
# own apt state is never touched. The mirror is the one this machine's apt
# already uses (read from its sources): no host name lives in the repository.
#
# Usage: scripts/make-system-image.sh
# Env:   OUT (default build/system), SUITE (default trixie)
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

suite=${SUITE:-trixie}
out=${OUT:-$repo_root/build/system}
apt_dir=$repo_root/build/apt

die() { echo "make-system-image: $*" >&2; exit 1; }
say() { [ -n "${QUIET:-}" ] || echo "make-system-image: $*"; }
# shellcheck source=scripts/lib/debian-apt.sh
. "$repo_root/scripts/lib/debian-apt.sh"

debian_apt_require apt-get apt-cache dpkg-deb gzip node
debian_apt_configure "$apt_dir" "$suite"
mkdir -p "$out"
debian_apt_update_index "$apt_dir" "$suite"

# linux-image-riscv64 is a metapackage: its first linux-image-* dependency is
# the versioned package that holds the kernel.
kernel_pkg=$(apt-cache depends linux-image-riscv64 2>/dev/null \
  | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
[ -n "$kernel_pkg" ] || die "cannot resolve linux-image-riscv64 to a kernel package"
wanted=("$kernel_pkg" opensbi busybox-static)

# Download only what is not here yet (a .deb of that exact version).
declare -A deb_of
missing=()
while read -r pkg version; do
  if deb=$(debian_apt_deb_file "$apt_dir" "$pkg" "$version"); then deb_of[$pkg]=$deb; else missing+=("$pkg"); fi
done < <(debian_apt_versions "${wanted[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  say "downloading ${missing[*]}"
  debian_apt_download "$apt_dir" download-system.log "${missing[@]}"
  while read -r pkg version; do
    if deb=$(debian_apt_deb_file "$apt_dir" "$pkg" "$version"); then deb_of[$pkg]=$deb; fi
  done < <(debian_apt_versions "${wanted[@]}")
fi
for pkg in "${wanted[@]}"; do
  [ -n "${deb_of[$pkg]:-}" ] || die "no .deb for $pkg"
done

extract=$out/extract
rm -rf "$extract"
mkdir -p "$extract"
for pkg in "${wanted[@]}"; do
  dpkg-deb -x "${deb_of[$pkg]}" "$extract" || die "dpkg-deb -x ${deb_of[$pkg]} failed"
done

# --- firmware ---------------------------------------------------------------------
fw=$extract/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
[ -f "$fw" ] || die "opensbi has no $fw"
cp "$fw" "$out/fw_dynamic.bin"

# --- kernel -------------------------------------------------------------------------
kernel_src=$(find "$extract/boot" -maxdepth 1 \( -name 'vmlinux-*' -o -name 'vmlinuz-*' \) -print | head -n 1)
[ -n "$kernel_src" ] || die "no /boot/vmlinux-* or /boot/vmlinuz-* in $kernel_pkg"
case "$(od -An -tx1 -N2 "$kernel_src" | tr -d ' ')" in
  1f8b) say "$(basename "$kernel_src") is gzip-compressed: decompressing"
        gzip -dc "$kernel_src" > "$out/Image" ;;
  *)    cp "$kernel_src" "$out/Image" ;;
esac
# A RISC-V Linux Image has "RSC\x05" at offset 0x38 (and "RISCV\0\0\0" at 0x30).
[ "$(od -An -tx1 -j 56 -N4 "$out/Image" | tr -d ' ')" = "52534305" ] \
  || die "$(basename "$kernel_src") is not a RISC-V Linux Image (no RSC\\x05 magic at 0x38)"
echo "$(basename "$kernel_src")" > "$out/kernel-version"

# --- initramfs ----------------------------------------------------------------------
root=$out/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin}
cp "$extract/usr/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || { mount -t tmpfs tmpfs /dev && mdev -s; }
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null
echo "wemu: initramfs up ($(uname -r)); type 'poweroff -f' to stop"
exec setsid cttyhack sh -l
INIT
chmod 755 "$root/init"
cat > "$root/etc/profile" <<'PROFILE'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
PS1='~ # '
PROFILE

# cpio "newc" written by node (no host cpio needed, and /dev/console can be a
# character device without root): the kernel opens /dev/console before /init runs.
node - "$root" "$out/initramfs.cpio" <<'NODE'
const fs = require('fs'), path = require('path');
const [root, outFile] = process.argv.slice(2);
const chunks = [];
let ino = 1;
function pad4(n) { return (4 - (n % 4)) % 4; }
function entry(name, mode, data, rdevMajor = 0, rdevMinor = 0) {
  const nameBytes = Buffer.from(name + '\0');
  const fields = [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBytes.length, 0];
  const header = '070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join('');
  chunks.push(Buffer.from(header), nameBytes, Buffer.alloc(pad4(110 + nameBytes.length)), data, Buffer.alloc(pad4(data.length)));
}
function walk(rel) {
  const abs = path.join(root, rel);
  for (const name of fs.readdirSync(abs).sort()) {
    const r = rel ? rel + '/' + name : name;
    const st = fs.lstatSync(path.join(root, r));
    if (st.isSymbolicLink()) entry(r, 0o120777, Buffer.from(fs.readlinkSync(path.join(root, r))));
    else if (st.isDirectory()) { entry(r, 0o040000 | (st.mode & 0o7777), Buffer.alloc(0)); walk(r); }
    else entry(r, 0o100000 | (st.mode & 0o7777), fs.readFileSync(path.join(root, r)));
  }
}
walk('');
entry('dev/console', 0o020600, Buffer.alloc(0), 5, 1);
entry('dev/null', 0o020666, Buffer.alloc(0), 1, 3);
entry('TRAILER!!!', 0, Buffer.alloc(0));
fs.writeFileSync(outFile, Buffer.concat(chunks));
NODE
gzip -9nf "$out/initramfs.cpio"

rm -rf "$extract"
say "kernel package: $kernel_pkg ($(cat "$out/kernel-version"))"
for f in fw_dynamic.bin Image initramfs.cpio.gz; do
  say "$(printf '%-18s %10d bytes' "$f" "$(stat -c %s "$out/$f")")"
done
