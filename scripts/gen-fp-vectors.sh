#!/bin/sh
# Regenerate the soft-float reference vectors (tests/fpu/vectors/fp-vectors.txt.gz)
# by running the RISC-V F/D instructions under qemu-riscv64.
# Usage: scripts/gen-fp-vectors.sh [random operands per operation]
# The default count keeps the compressed file well under 2 MB.
set -eu
cd "$(dirname "$0")/.."
count="${1:-800}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
riscv64-linux-gnu-gcc -O2 -static -Wall -o "$tmp/fp-vectors" tests/fpu/gen/fp-vectors.c
qemu-riscv64 "$tmp/fp-vectors" "$count" | gzip -9 -n > tests/fpu/vectors/fp-vectors.txt.gz
ls -l tests/fpu/vectors/fp-vectors.txt.gz
