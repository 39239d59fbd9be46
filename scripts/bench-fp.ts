// Micro-benchmark of the RISC-V FP helpers: nanoseconds per call, over
// operand mixes that take the host fast path or the exact path.
// Usage: npx tsc -p tsconfig.json && node dist/scripts/bench-fp.js
// Numbers are for comparing versions side by side on one machine, not absolute.

import { HelperTable } from '../src/exec/helpers.js';
import { Cpu, CPU_BASE } from '../src/memory/layout.js';
import { LinearMemory } from '../src/memory/linear-memory.js';
import { registerFpHelpers } from '../src/target/riscv/fp-helpers.js';

const mem = new LinearMemory(0x40_0000);
const helpers = new HelperTable();
registerFpHelpers(helpers, mem);
const ARG = CPU_BASE + Cpu.HELPER_ARGS;

/** Operand sets are drawn once, so the loop measures the helper alone. */
const OPERAND_SETS = 1024;
const CALLS = 200_000;

let seed = 0x12345678;
function random(): number {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
function randomDouble(): number {
  return (random() * 2 - 1) * 2 ** Math.floor(random() * 40 - 20);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function doubleWords(x: number): [number, number] {
  f64[0] = x;
  return [u32[1]!, u32[0]!];
}
function singleWords(x: number): [number, number] {
  const f = new Float32Array([x]);
  return [0xffffffff, new Uint32Array(f.buffer)[0]!];
}

function bench(name: string, nargs: number, rm: number, make: () => [number, number]): void {
  const h = helpers.get(helpers.idOf(name));
  const sets: number[][] = [];
  for (let i = 0; i < OPERAND_SETS; i++) {
    const words: number[] = [];
    for (let k = 0; k < nargs; k++) words.push(...make());
    sets.push(words);
  }
  const w = mem.u32;
  const base = ARG >> 2;
  const rmSlot = base + 2 * nargs;
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const s = sets[i & (OPERAND_SETS - 1)]!;
      for (let k = 0; k < nargs; k++) {
        w[base + 2 * k + 1] = s[2 * k]!;
        w[base + 2 * k] = s[2 * k + 1]!;
      }
      w[rmSlot] = rm;
      h.fn();
    }
  };
  run(CALLS / 10); // warm up the JIT
  const t0 = process.hrtime.bigint();
  run(CALLS);
  const ns = Number(process.hrtime.bigint() - t0) / CALLS;
  console.log(`${name.padEnd(10)} rm=${rm}  ${ns.toFixed(1).padStart(8)} ns/call`);
}

const d = (): [number, number] => doubleWords(randomDouble());
const s = (): [number, number] => singleWords(randomDouble());
for (const [name, nargs] of [['fadd_d', 2], ['fmul_d', 2], ['fdiv_d', 2], ['fsqrt_d', 1], ['fmadd_d', 3]] as const) {
  bench(name, nargs, 0, name === 'fsqrt_d' ? () => doubleWords(Math.abs(randomDouble())) : d);
}
for (const [name, nargs] of [['fadd_s', 2], ['fmul_s', 2], ['fdiv_s', 2], ['fsqrt_s', 1], ['fmadd_s', 3]] as const) {
  bench(name, nargs, 0, name === 'fsqrt_s' ? () => singleWords(Math.abs(randomDouble())) : s);
}
bench('fadd_d', 2, 1, d);
bench('fmul_d', 2, 2, d);
bench('fmadd_d', 3, 3, d);
bench('fcvt_w_d', 1, 1, d);
bench('fcvt_d_l', 1, 0, () => [0, Math.floor(random() * 2 ** 32)]);
bench('fcvt_s_d', 1, 0, d);
bench('feq_d', 2, 0, d);
bench('fclass_d', 1, 0, d);
// The exact path, for scale: products far outside the host-checked range.
bench('fmul_d', 2, 0, () => doubleWords(randomDouble() * 2 ** -540));
