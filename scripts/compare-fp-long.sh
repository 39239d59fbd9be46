#!/bin/sh
# Long differential run of the guest FP test: qemu-riscv64 against wemu.
#
# Usage: scripts/compare-fp-long.sh [count] [instruction]
#   count        random operand tuples per instruction, each run under every
#                rounding mode the instruction has (default 1000000)
#   instruction  only this one (e.g. fmadd.d); default all
# Environment: WEMU (default bin/wemu-riscv64), QEMU (default qemu-riscv64).
#
# First the short run must equal the committed expected output; then both
# emulators print FNV-1a digests per instruction, mode and block of 4096
# tuples (fp-test's "digest" mode), and the digests are compared. To see the
# operands of a differing block b, rerun both in lines mode with
# count = 4096 * (b + 1) and that instruction, and diff.
set -eu
cd "$(dirname "$0")/.."
count="${1:-1000000}"
only="${2:-}"
wemu="${WEMU:-bin/wemu-riscv64}"
qemu="${QEMU:-qemu-riscv64}"
bin=tests/riscv64-fp/fp-test
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "short run against tests/riscv64-fp/fp-test.expected"
"$wemu" "$bin" > "$tmp/short.out" 2> "$tmp/short.err" || echo "wemu exited with status $?"
if cmp -s "$tmp/short.out" tests/riscv64-fp/fp-test.expected; then
  echo "  identical ($(wc -l < "$tmp/short.out") lines)"
else
  echo "  DIFFERENT: $(diff "$tmp/short.out" tests/riscv64-fp/fp-test.expected | grep -c '^>' || true) expected lines differ or are missing; first differences:"
  diff "$tmp/short.out" tests/riscv64-fp/fp-test.expected | head -20
fi

echo "long run: $count tuples per instruction${only:+ ($only)}"
start=$(date +%s)
"$qemu" "$bin" "$count" digest $only > "$tmp/qemu.out"
mid=$(date +%s)
"$wemu" "$bin" "$count" digest $only > "$tmp/wemu.out" 2> "$tmp/wemu.err" || echo "wemu exited with status $?"
end=$(date +%s)
echo "  qemu $((mid - start)) s, wemu $((end - mid)) s"
if cmp -s "$tmp/qemu.out" "$tmp/wemu.out"; then
  echo "  identical: $(wc -l < "$tmp/qemu.out") digest lines"
  exit 0
fi
echo "  DIFFERENT digests (qemu <, wemu >):"
diff "$tmp/qemu.out" "$tmp/wemu.out" | head -40
head -5 "$tmp/wemu.err"
exit 1
