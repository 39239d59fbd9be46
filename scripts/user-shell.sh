#!/usr/bin/env bash
# An interactive Debian riscv64 busybox shell running
# under wemu's Linux user mode (no kernel: wemu answers the system calls).
# Builds wemu and the Debian sysroot first when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
[ -f dist/src/cli/wemu-riscv64.js ] || npm run build
[ -x build/sysroot/bin/busybox ] || bash scripts/make-sysroot.sh

echo "wemu: Debian riscv64 busybox sh in user mode (exit or Ctrl-D to leave)"
exec bin/wemu-riscv64 -L build/sysroot build/sysroot/bin/busybox sh "$@"
