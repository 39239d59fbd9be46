#!/usr/bin/env bash
# Build the riscv64 guest test programs and benchmarks into tests/riscv64/bin/
# (stripped, committed), then record each test program's expected stdout, exit
# status and stderr from qemu-riscv64 into tests/riscv64/expected/.
#
# Usage: scripts/build-guest-tests.sh [--no-record]
# Needs: riscv64-linux-gnu-gcc (gcc-riscv64-linux-gnu), qemu-riscv64 (qemu-user), node.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
src=tests/riscv64/src
bench_src=tests/riscv64/bench-src
out=tests/riscv64/bin
cc=${CROSS_CC:-riscv64-linux-gnu-gcc}

die() { echo "build-guest-tests: $*" >&2; exit 1; }
command -v "$cc" >/dev/null || die "missing $cc (apt-get install gcc-riscv64-linux-gnu)"
mkdir -p "$out"

common=(-O2 -Wall -Wextra -s)
march=(-march=rv64gc)
march_bitmanip=(-march=rv64gc_zba_zbb_zbs)
# The freestanding runtime: tiny programs are a few KB and start instantly.
tiny_flags=(-nostdlib -ffreestanding -fno-stack-protector -I"$src")
tiny_static=("$src/tiny/start.S" "$src/tiny/tiny.c" -lgcc)
tiny_pie=("$src/tiny/start_pie.S" "$src/tiny/tiny.c" "$src/tiny/relocate.c" -lgcc)

build() { # name, then compiler arguments
  local name=$1; shift
  "$cc" "${common[@]}" -o "$out/$name" "$@" || die "compiling $name failed"
}

# Instruction-level tests on the tiny runtime, linked at a fixed address.
for name in rv64i_alu rv64i_control_mem rv64m rv64a csr_counters misaligned smc; do
  build "$name" "${march[@]}" -static "${tiny_flags[@]}" "$src/$name.c" "${tiny_static[@]}"
done
build rvc "${march[@]}" -static "${tiny_flags[@]}" "$src/rvc.c" "$src/rvc_ops.S" "${tiny_static[@]}"
build bitmanip "${march_bitmanip[@]}" -static "${tiny_flags[@]}" "$src/bitmanip.c" "${tiny_static[@]}"
# Static PIE: the bookworm cross glibc has no rcrt1.o, so this one uses the
# tiny runtime, which relocates itself.
build argv_env "${march[@]}" -static-pie -Wl,--no-dynamic-linker -fPIE "${tiny_flags[@]}" \
  "$src/argv_env.c" "${tiny_pie[@]}"

# glibc programs, statically linked.
for name in exit_code printf_ints fileio memory_maps qsort_malloc signals segv_uncaught syscalls_misc pthreads; do
  build "$name" "${march[@]}" -static "$src/$name.c"
done
# Dynamically linked against the cross libc: runs with -L <sysroot>.
build hello_dynamic "${march[@]}" "$src/hello_dynamic.c"

# Benchmarks (tiny runtime; the work scale is argv[1]).
for name in sha256 sort sieve mpi vli keccak blake2s; do
  build "bench_$name" "${march[@]}" -static "${tiny_flags[@]}" "$bench_src/$name.c" "${tiny_static[@]}"
done

total=$(du -cb "$out"/* | tail -n 1 | cut -f 1)
echo "build-guest-tests: built $(ls "$out" | wc -l) programs, $((total / 1024)) KiB in $out"

[ "${1:-}" = "--no-record" ] && exit 0

# Record expected outputs from qemu-riscv64 (the TypeScript recorder shares the
# manifest reading and run conventions with the node test).
command -v qemu-riscv64 >/dev/null || die "missing qemu-riscv64 (apt-get install qemu-user)"
if [ ! -f dist/scripts/record-expected.js ] || [ scripts/record-expected.ts -nt dist/scripts/record-expected.js ] \
   || [ tests/guest/guest-manifest.ts -nt dist/tests/guest/guest-manifest.js ]; then
  # tsc emits even when files outside this area have type errors; the recorder
  # only needs its own two files.
  npx tsc -p tsconfig.json >/dev/null 2>&1 || true
fi
for ts in scripts/record-expected.ts tests/guest/guest-manifest.ts; do
  js=dist/${ts%.ts}.js
  { [ -f "$js" ] && [ ! "$ts" -nt "$js" ]; } || die "tsc did not emit $js (run: npx tsc -p tsconfig.json)"
done
node dist/scripts/record-expected.js
