# Shared by scripts/compare-debian.sh and scripts/compare-debian-fp.sh (source
# it, don't run it): run one check under qemu-riscv64 and under wemu, judge
# the two runs, print the PASS/FAIL table and the summary.
#
# The sourcing script sets work (with qemu/ and wemu/ inside), wemu (the
# emulator under test), and defines die and
# run_under EMULATOR ARGS... (EMULATOR is qemu or wemu).

# Exit status of the last check under each emulator, by emulator name.
declare -A rc=()

# CI starts on a fresh machine: install the reference emulator if it is missing.
compare_require_qemu() { # name for messages
  if ! command -v qemu-riscv64 >/dev/null; then
    echo "$1: installing qemu-user"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user; } >/dev/null \
      || die "could not install qemu-user"
  fi
}

compare_print_header() { # width of the check column
  printf "%-${1}s %8s %8s %9s  %s\n" check "qemu rc" "wemu rc" "wemu s" result
  printf "%-${1}s %8s %8s %9s  %s\n" ----- ------- ------- ------ ------
}

# Run run_under ARGS... in dir under qemu then wemu, with stdin from the file
# given and output in $work/EMULATOR/NAME.out and .err; sets rc[qemu], rc[wemu]
# and wemu_ms (wemu's wall time).
compare_run_both() { # name dir stdin args...
  local name=$1 dir=$2 stdin=$3 emulator start_ns; shift 3
  for emulator in qemu wemu; do
    start_ns=$(date +%s%N)
    (cd "$dir" && run_under "$emulator" "$@" <"$stdin" \
       >"$work/$emulator/$name.out" 2>"$work/$emulator/$name.err")
    rc[$emulator]=$?
  done
  wemu_ms=$((($(date +%s%N) - start_ns) / 1000000))
}

# Set result to PASS, or to FAIL (reason) when wemu is missing, the exit
# codes or outputs differ, or the reference itself failed.
compare_judge() { # name
  local name=$1
  result=PASS
  if [ ! -x "$wemu" ]; then
    result="FAIL (no $wemu)"
  elif [ "${rc[qemu]}" != "${rc[wemu]}" ]; then
    result="FAIL (exit codes differ; stderr in $work/wemu/$name.err)"
  elif ! cmp -s "$work/qemu/$name.out" "$work/wemu/$name.out"; then
    result="FAIL ($(cmp "$work/qemu/$name.out" "$work/wemu/$name.out" 2>&1 | head -n 1))"
  elif [ "${rc[qemu]}" != 0 ]; then
    result="FAIL (the reference itself failed: $(head -n 1 "$work/qemu/$name.err"))"
  fi
}

# Count a failure and print the table row for the last check.
compare_print_row() { # width name
  [ "$result" = PASS ] || failures=$((failures + 1))
  printf "%-${1}s %8s %8s %5d.%03d  %s\n" "$2" "${rc[qemu]}" "${rc[wemu]}" $((wemu_ms / 1000)) $((wemu_ms % 1000)) "$result"
}

# Print the summary, remove the work directory when all passed (unless
# KEEP_WORK is set), and return non-zero on any failure.
compare_finish() { # summary prefix, total
  echo "$1: $(($2 - failures)) passed, $failures failed"
  [ -n "${KEEP_WORK:-}" ] || [ "$failures" -gt 0 ] || rm -rf "$work"
  [ "$failures" -eq 0 ]
}
