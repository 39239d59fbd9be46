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
  // Kernels that dominate a Linux boot (crypto self-tests, key checks, entropy):
  { name: 'mpi', binary: 'bench_mpi', description: 'MPI mul_1/addmul_1/submul_1/add_n on 32 limbs (mulhu, sltu carries), 62 products per round', fullScale: 2000 },
  { name: 'vli', binary: 'bench_vli', description: 'ECC vli_mult 4x4 limbs + P-256 fast reduction, 20000 per round', fullScale: 100 },
  { name: 'keccak', binary: 'bench_keccak', description: 'Keccak-f[1600] absorbing 64 KiB, per round', fullScale: 150 },
  { name: 'blake2s', binary: 'bench_blake2s', description: 'BLAKE2s compression over 64 KiB, per round', fullScale: 800 },
];
