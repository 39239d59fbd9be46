#!/usr/bin/env bash
# Run real Debian riscv64 programs (busybox applets, gzip, xz, zstd from the
# trixie sysroot) under qemu-riscv64 and under bin/wemu-riscv64 on the same
# deterministic input, compare stdout bytes and exit codes, print a PASS/FAIL
# table and exit non-zero on any difference.
#
# Usage: scripts/compare-debian.sh
# Env:   WEMU_TIER     tier for wemu (-accel tcg,tier=X), default interp
#        WEMU_ACCEL    the whole -accel option tail instead (e.g. tier=wasm,max-instances=8)
#        WEMU_TIMEOUT  seconds allowed per wemu run, default 600
#        WEMU_COMMAND  the emulator to test instead of bin/wemu-riscv64
#        KEEP_WORK=1   keep the work directory (build/compare-debian) for inspection
set -uo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
tier=${WEMU_TIER:-interp}
accel=${WEMU_ACCEL:-tier=$tier}
wemu_timeout=${WEMU_TIMEOUT:-600}
sysroot=$repo_root/build/sysroot
work=$repo_root/build/compare-debian
wemu=${WEMU_COMMAND:-$repo_root/bin/wemu-riscv64}

die() { echo "compare-debian: $*" >&2; exit 2; }
# shellcheck source=scripts/lib/compare-lib.sh
. "$repo_root/scripts/lib/compare-lib.sh"

compare_require_qemu compare-debian
command -v node >/dev/null || die "node is needed to generate the input"
if [ ! -x "$sysroot/usr/bin/busybox" ] || [ ! -x "$sysroot/usr/bin/zstd" ] || [ ! -x "$sysroot/usr/bin/xz" ]; then
  QUIET=1 "$repo_root/scripts/make-sysroot.sh" || die "could not build the sysroot"
fi

rm -rf "$work"
mkdir -p "$work/in" "$work/qemu" "$work/wemu"

# Deterministic input: ~300 KB of text from a seeded generator (words repeat,
# so sort/uniq/compressors have work) and 64 KB of binary.
node - "$work/in" <<'GENERATE' || die "input generation failed"
const { writeFileSync } = require('node:fs');
const dir = process.argv[2];
let state = 0x2545f491n;
const next = () => { // 64-bit xorshift, BigInt so every host gives the same numbers
  state ^= (state << 13n) & 0xffffffffffffffffn; state ^= state >> 7n; state ^= (state << 17n) & 0xffffffffffffffffn;
  return Number(state & 0xffffffffn);
};
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet',
  'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'emulator',
  'translation', 'block', 'interpreter', 'webassembly', 'riscv', 'instruction', 'register'];
const lines = [];
let size = 0;
while (size < 300000) {
  const count = 2 + (next() % 7);
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(words[next() % words.length]);
  const line = `${parts.join(' ')} ${next() % 1000}\t${(next() % 65536).toString(16)}`;
  lines.push(line);
  // Repeated lines give uniq something to count.
  if (next() % 5 === 0) lines.push(line);
  size += line.length + 1;
}
writeFileSync(`${dir}/input.txt`, lines.join('\n') + '\n');
const sorted = [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // byte order, like LC_ALL=C sort
writeFileSync(`${dir}/sorted.txt`, sorted.join('\n') + '\n');
const binary = Buffer.alloc(65536);
for (let i = 0; i < binary.length; i++) binary[i] = i % 3 === 0 ? next() & 0xff : (i * 7) & 0xff;
writeFileSync(`${dir}/input.bin`, binary);
GENERATE

# Each check: name|program and arguments (split on spaces, no quoting)|stdin
# (a file in the input directory, @check for that check's qemu output, or empty).
# Compressed files for the decompression checks come from qemu's run, so both
# emulators decompress identical bytes.
checks=(
  "sha256sum|busybox sha256sum input.txt input.bin|"
  "sort|busybox sort input.txt|"
  "sed-substitute|busybox sed -e s/[aeiou][aeiou]*/<&>/g input.txt|"
  "cut|busybox cut -d e -f 2,4 input.txt|"
  "cut-tab-fields|busybox cut -f 2 input.txt|"
  "uniq-count|busybox uniq -c sorted.txt|"
  "od|busybox od -A x -t x1 input.bin|"
  "gzip-compress|gzip -n -c -6|input.txt"
  "gzip-decompress|gzip -dc|@gzip-compress"
  "xz-compress|xz -c -6|input.txt"
  "xz-decompress|xz -dc|@xz-compress"
  "zstd-compress|zstd -q -c|input.txt"
  "zstd-decompress|zstd -q -dc|@zstd-compress"
)

run_under() { # emulator, program, args..., with stdin/out set by the caller
  local emulator=$1; shift
  local program=$sysroot/usr/bin/$1; shift
  if [ "$emulator" = qemu ]; then
    qemu-riscv64 -L "$sysroot" "$program" "$@"
  else
    timeout "$wemu_timeout" "$wemu" -L "$sysroot" -accel "tcg,$accel" "$program" "$@"
  fi
}

failures=0
compare_print_header 17
for check in "${checks[@]}"; do
  IFS='|' read -r name command_line stdin_spec <<<"$check"
  read -r -a command_words <<<"$command_line"
  case "$stdin_spec" in
    "") stdin=/dev/null ;;
    @*) stdin=$work/qemu/${stdin_spec#@}.out ;;
    *) stdin=$work/in/$stdin_spec ;;
  esac
  compare_run_both "$name" "$work/in" "$stdin" "${command_words[@]}"
  compare_judge "$name"
  # Round trips must give back the original input exactly.
  case "$name" in
    *-decompress)
      if [ "$result" = PASS ] && ! cmp -s "$work/qemu/$name.out" "$work/in/input.txt"; then
        result="FAIL (round trip does not give back input.txt)"
      fi ;;
  esac
  compare_print_row 17 "$name"
done

compare_finish "compare-debian: -accel tcg,$accel" "${#checks[@]}"
