#!/usr/bin/env bash
# Run real Debian riscv64 programs that lean on floating point (lua5.4,
# python3.13 -S, sqlite3 from the trixie sysroot, and a static C program using
# glibc's libm and printf) under qemu-riscv64 and under bin/wemu-riscv64 on the
# deterministic workloads in tests/debian-fp/, compare stdout bytes and exit
# codes, print a PASS/FAIL table and exit non-zero on any difference.
#
# Usage: scripts/compare-debian-fp.sh
# Env:   WEMU_TIER     tier for wemu (-accel tcg,tier=X), default auto
#        WEMU_TIMEOUT  seconds allowed per wemu run, default 300
#        WEMU_COMMAND  the emulator to test instead of bin/wemu-riscv64
#        KEEP_WORK=1   keep the work directory (build/compare-debian-fp) for inspection
set -uo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
tier=${WEMU_TIER:-auto}
wemu_timeout=${WEMU_TIMEOUT:-300}
sysroot=$repo_root/build/sysroot
tests=$repo_root/tests/debian-fp
work=$repo_root/build/compare-debian-fp
wemu=${WEMU_COMMAND:-$repo_root/bin/wemu-riscv64}

die() { echo "compare-debian-fp: $*" >&2; exit 2; }
# shellcheck source=scripts/lib/compare-lib.sh
. "$repo_root/scripts/lib/compare-lib.sh"

compare_require_qemu compare-debian-fp

# The programs under test and their library dependencies (make-sysroot.sh
# resolves the Depends closure of the extra packages it is given).
sysroot_packages=(lua5.4 python3.13-minimal sqlite3)
for program in usr/bin/lua5.4 usr/bin/python3.13 usr/bin/sqlite3 lib/ld-linux-riscv64-lp64d.so.1; do
  if [ ! -e "$sysroot/$program" ]; then
    SYSROOT=$sysroot QUIET=1 "$repo_root/scripts/make-sysroot.sh" "${sysroot_packages[@]}" || die "could not build the sysroot"
    break
  fi
done
[ -x "$tests/libm-test" ] || die "missing $tests/libm-test (scripts/build-libm-test.sh rebuilds it)"

rm -rf "$work"
mkdir -p "$work/qemu" "$work/wemu"

# Each check: name|program (/path inside the sysroot, or a path in the
# repository)|arguments (split on spaces, no quoting, so inline scripts have
# no spaces)|stdin (a file in tests/debian-fp, or empty). Programs run in
# tests/debian-fp.
checks=(
  "lua-fp|/usr/bin/lua5.4|fp.lua|"
  "lua-inline|/usr/bin/lua5.4|-e print(string.format('%.17g/%a/%g',math.sin(1e300),math.exp(-745),2^-1074),7//0.0,-7%0.0)|"
  "python-fp|/usr/bin/python3.13|-S fp.py|"
  "python-inline|/usr/bin/python3.13|-S -c print(repr(1.1*1.1),(2.0**0.5).hex(),round(2.5),round(0.125,2),7.0//-2,float('1e-320'))|"
  "sqlite3-fp|/usr/bin/sqlite3|-batch|fp.sql"
  "libm-test|tests/debian-fp/libm-test||"
)

# The same small environment for both emulators (both pass theirs on to the
# guest); PATH only so that env can find node for bin/wemu-riscv64.
clean_env=(env -i "PATH=$PATH" LC_ALL=C TZ=UTC PYTHONHASHSEED=0)

run_under() { # emulator, program, args..., with stdin/out set by the caller
  local emulator=$1; shift
  local program=$1; shift
  case "$program" in
    /*) program=$sysroot$program ;;
    *) program=$repo_root/$program ;;
  esac
  if [ "$emulator" = qemu ]; then
    "${clean_env[@]}" qemu-riscv64 -L "$sysroot" "$program" "$@"
  else
    "${clean_env[@]}" timeout "$wemu_timeout" "$wemu" -L "$sysroot" -accel "tcg,tier=$tier" "$program" "$@"
  fi
}

failures=0
compare_print_header 14
for check in "${checks[@]}"; do
  IFS='|' read -r name program arguments stdin_spec <<<"$check"
  read -r -a argument_words <<<"$arguments"
  stdin=/dev/null
  [ -z "$stdin_spec" ] || stdin=$tests/$stdin_spec
  compare_run_both "$name" "$tests" "$stdin" "$program" "${argument_words[@]}"
  compare_judge "$name"
  if [ "$result" = PASS ] && [ ! -s "$work/qemu/$name.out" ]; then
    result="FAIL (the reference printed nothing: $(head -n 1 "$work/qemu/$name.err"))"
  fi
  compare_print_row 14 "$name"
done

compare_finish "compare-debian-fp: tier $tier" "${#checks[@]}"
