#!/bin/sh
# Rebuild the guest FP test (tests/riscv64-fp/fp-test, static and stripped)
# and its expected output, which is what qemu-riscv64 prints.
set -eu
cd "$(dirname "$0")/.."
dir=tests/riscv64-fp
riscv64-linux-gnu-gcc -O2 -static -Wall -o "$dir/fp-test" "$dir/fp-test.c"
riscv64-linux-gnu-strip "$dir/fp-test"
qemu-riscv64 "$dir/fp-test" > "$dir/fp-test.expected"
ls -l "$dir/fp-test" "$dir/fp-test.expected"
