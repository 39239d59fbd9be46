/**
 * The benchmark programs: riscv64 binaries built by
 * scripts/build-guest-tests.sh from tests/riscv64/bench-src/. Each takes its
 * work scale as argv[1]; fullScale runs for about 1-2 s under qemu-riscv64.
 */
export interface BenchProgram {
  name: string;
  /** Binary name in tests/riscv64/bin. */
  binary: string;
  description: string;
  /** Scale giving 1-2 s under qemu-riscv64 on this machine kind. */
  fullScale: number;
}

export const benchPrograms: BenchProgram[] = [
  { name: 'sha256', binary: 'bench_sha256', description: 'SHA-256 + CRC-32 over 64 KiB, per round', fullScale: 400 },
  { name: 'sort', binary: 'bench_sort', description: 'quicksort of 100000 u64 + checksum, per round', fullScale: 80 },
  { name: 'sieve', binary: 'bench_sieve', description: 'sieve to 2e6 + Dhrystone-like loop, per round', fullScale: 20 },
];
