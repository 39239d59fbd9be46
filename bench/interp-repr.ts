// Micro-benchmark: how should the interpreter hold 64-bit values?
// Runs the same dependent chain of 64-bit ops (add, xor, shift right, and a
// compare) over operands stored in the linear memory, as the interpreter
// does, with three representations:
//   - two Int32Array words per value, carry arithmetic (no allocation);
//   - BigInt64Array elements (BigInt arithmetic, allocates per value);
//   - Float64Array "hi * 2^32 + lo" doubles (inexact above 2^53, so it would
//     need splitting anyway; measured for the cost of the conversions).
// Run: node dist/bench/interp-repr.js

const ITERATIONS = 5_000_000;
const OPS_PER_ITERATION = 4;

function pairs(): number {
  const m = new Int32Array(64);
  m[0] = 0x12345678; m[1] = 0x9abcdef; m[2] = 0x7fffffff; m[3] = 1;
  for (let i = 0; i < ITERATIONS; i++) {
    // d(4,5) = a(0,1) + b(2,3)
    const al = m[0]!, lo = (al + m[2]!) | 0;
    m[5] = (m[1]! + m[3]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; m[4] = lo;
    // a = d ^ b
    m[0] = m[4]! ^ m[2]!; m[1] = m[5]! ^ m[3]!;
    // b = a >>> 3 (64-bit logical)
    const l = m[0]!, h = m[1]!;
    m[2] = (l >>> 3) | (h << 29); m[3] = h >>> 3;
    // b += (a <u d)
    const lt = (m[1]! >>> 0) < (m[5]! >>> 0) || (m[1] === m[5] && (m[0]! >>> 0) < (m[4]! >>> 0));
    m[2] = (m[2]! + (lt ? 1 : 0)) | 0;
  }
  return m[0]! ^ m[2]!;
}

function bigints(): number {
  const m = new BigInt64Array(32);
  m[0] = 0x09abcdef12345678n; m[1] = 0x000000017fffffffn;
  for (let i = 0; i < ITERATIONS; i++) {
    m[2] = BigInt.asIntN(64, m[0]! + m[1]!);
    m[0] = m[2]! ^ m[1]!;
    m[1] = BigInt.asIntN(64, BigInt.asUintN(64, m[0]!) >> 3n);
    if (BigInt.asUintN(64, m[0]!) < BigInt.asUintN(64, m[2]!)) m[1] = BigInt.asIntN(64, m[1]! + 1n);
  }
  return Number(m[0]! & 0xffffn);
}

function doubles(): number {
  const m = new Float64Array(32);
  const TWO32 = 4294967296;
  m[0] = 0x9abcdef * TWO32 + 0x12345678; m[1] = 1 * TWO32 + 0x7fffffff;
  for (let i = 0; i < ITERATIONS; i++) {
    // Each op splits into words and recombines, which is what exactness would require.
    const a = m[0]!, b = m[1]!;
    const s = (a + b) % 18446744073709551616;
    m[2] = s;
    const sl = s % TWO32, sh = Math.floor(s / TWO32), bl = b % TWO32, bh = Math.floor(b / TWO32);
    m[0] = ((sh ^ bh) >>> 0) * TWO32 + ((sl ^ bl) >>> 0);
    const x = m[0]!;
    m[1] = Math.floor(x / 8);
    if (x < m[2]!) m[1] = m[1]! + 1;
  }
  return m[0]! % 65536;
}

/** Best of ROUNDS interleaved rounds: the machines are shared and noisy, the minimum is the least disturbed. */
const ROUNDS = 5;

const candidates: [string, () => number][] = [
  ['i32 word pairs + carry', pairs],
  ['BigInt64Array', bigints],
  ['Float64 hi*2^32+lo', doubles],
];
const best = new Map<string, number>();
for (const [, fn] of candidates) fn(); // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of candidates) {
    const t0 = performance.now();
    fn();
    const ns = ((performance.now() - t0) * 1e6) / (ITERATIONS * OPS_PER_ITERATION);
    best.set(name, Math.min(best.get(name) ?? Infinity, ns));
  }
}
for (const [name] of candidates) console.log(`${name.padEnd(28)} ${best.get(name)!.toFixed(2).padStart(7)} ns/op (best of ${ROUNDS})`);
