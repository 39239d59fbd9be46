#!/bin/sh
# Rebuild tests/debian-fp/libm-test (static, stripped) from libm-test.c with
# the riscv64 cross compiler. The binary is committed so that
# scripts/compare-debian-fp.sh (and CI) needs no cross compiler.
set -eu
cd "$(dirname "$0")/.."
dir=tests/debian-fp
riscv64-linux-gnu-gcc -O2 -static -Wall -frounding-math -o "$dir/libm-test" "$dir/libm-test.c" -lm
riscv64-linux-gnu-strip "$dir/libm-test"
ls -l "$dir/libm-test"
