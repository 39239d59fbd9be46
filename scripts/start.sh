#!/usr/bin/env bash
# The main job: boot the default guest, Debian's riscv64 Linux kernel under
# OpenSBI with a busybox initramfs, on wemu's virt machine, with the serial
# console on this terminal (Ctrl-A X quits, Ctrl-A H helps).
# Builds wemu and the guest images first when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
[ -f dist/src/cli/wemu-system-riscv64.js ] || npm run build
[ -f build/system/Image ] || bash scripts/make-system-image.sh

exec bin/wemu-system-riscv64 -M virt -m 512M \
  -kernel build/system/Image -initrd build/system/initramfs.cpio.gz \
  -append "console=ttyS0" -nographic -serial mon:stdio "$@"
