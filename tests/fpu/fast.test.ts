// The host fast paths against QEMU's results. A fast function may decline
// (return NaN) but whenever it decides, bits and flags must match exactly;
// each is also required to decide a good share of the ordinary cases, so a
// fast path that silently always declines fails here too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundingMode } from '../../src/fpu/format.js';
import { fpStatus } from '../../src/fpu/status.js';
import { fastAdd32, fastDiv32, fastMul32, fastMulAdd32, fastSqrt32, fastSub32 } from '../../src/fpu/fast32.js';
import { fastAdd64, fastDiv64, fastMul64, fastMulAdd64, fastSqrt64, fastSub64 } from '../../src/fpu/fast64.js';
import { floatToInt, IntKind, integerToDouble, integerToSingle, narrowToSingle } from '../../src/fpu/fast-convert.js';
import { bitsToDouble, bitsToSingle, doubleToBits, loadVectors, singleToBits } from './vectors.js';

type Fast = (x: number[], rm: RoundingMode) => number;

interface FastCase {
  fn: Fast;
  /** Operands as host values. */
  toHost: (b: bigint) => number;
  /** Host result -> result bits as in the vector file. */
  toBits: (r: number) => bigint;
  /** Only roundTiesToEven (arithmetic), or every mode (conversions). */
  allModes: boolean;
  /** Minimum share of the NaN-free vectors that must be decided on the host. */
  minShare: number;
  /** Instead of toHost per operand: the whole operand list (integer conversions pass words). */
  hostArgs?: (args: bigint[]) => number[];
}

const s = (b: bigint): number => bitsToSingle(b);
const d = (b: bigint): number => bitsToDouble(b);

const INT_LIMITS: Record<number, [bigint, bigint]> = {
  [IntKind.I32]: [0xffffffff80000000n, 0x7fffffffn],
  [IntKind.U32]: [0n, 0xffffffffffffffffn],
  [IntKind.I64]: [0x8000000000000000n, 0x7fffffffffffffffn],
  [IntKind.U64]: [0n, 0xffffffffffffffffn],
};

function toInt(kind: IntKind, toHost: (b: bigint) => number): FastCase {
  return {
    fn: (x, rm) => floatToInt(x[0]!, rm, kind),
    toHost,
    toBits: (r) => {
      const [min, max] = INT_LIMITS[kind]!;
      if (r === Infinity) return max;
      if (r === -Infinity) return min;
      const v = BigInt(r);
      return kind === IntKind.I32 || kind === IntKind.U32 ? BigInt.asUintN(64, BigInt.asIntN(32, v)) : BigInt.asUintN(64, v);
    },
    allModes: true,
    minShare: 0.99,
  };
}

/** An integer register as [weight-2^32 part, low word], read as the conversion's type. */
function integerWords(kind: IntKind): (args: bigint[]) => number[] {
  return (args) => {
    const v = args[0]!;
    const lo = Number(v & 0xffffffffn);
    switch (kind) {
      case IntKind.I32: return [lo >= 2 ** 31 ? -1 : 0, lo];
      case IntKind.U32: return [0, lo];
      case IntKind.I64: return [Number(BigInt.asIntN(32, v >> 32n)), lo];
      case IntKind.U64: return [Number(v >> 32n), lo];
    }
  };
}

function fromInt(kind: IntKind, single: boolean): FastCase {
  return {
    fn: (x, rm) => (single ? integerToSingle : integerToDouble)(x[0]!, x[1]!, rm),
    toHost: () => 0,
    hostArgs: integerWords(kind),
    toBits: single ? singleToBits : doubleToBits,
    allModes: true,
    minShare: 0.9,
  };
}

const CASES: Record<string, FastCase> = {
  'fadd.s': { fn: (x, rm) => fastAdd32(x[0]!, x[1]!, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.9 },
  'fsub.s': { fn: (x, rm) => fastSub32(x[0]!, x[1]!, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.9 },
  'fmul.s': { fn: (x, rm) => fastMul32(x[0]!, x[1]!, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.6 },
  'fdiv.s': { fn: (x, rm) => fastDiv32(x[0]!, x[1]!, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.6 },
  'fsqrt.s': { fn: (x, rm) => fastSqrt32(x[0]!, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.4 },
  'fmadd.s': { fn: (x, rm) => fastMulAdd32(x[0]!, x[1]!, x[2]!, false, false, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.5 },
  'fmsub.s': { fn: (x, rm) => fastMulAdd32(x[0]!, x[1]!, x[2]!, false, true, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.5 },
  'fnmsub.s': { fn: (x, rm) => fastMulAdd32(x[0]!, x[1]!, x[2]!, true, false, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.5 },
  'fnmadd.s': { fn: (x, rm) => fastMulAdd32(x[0]!, x[1]!, x[2]!, true, true, rm), toHost: s, toBits: singleToBits, allModes: true, minShare: 0.5 },
  'fadd.d': { fn: (x, rm) => fastAdd64(x[0]!, x[1]!, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.9 },
  'fsub.d': { fn: (x, rm) => fastSub64(x[0]!, x[1]!, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.9 },
  'fmul.d': { fn: (x, rm) => fastMul64(x[0]!, x[1]!, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.6 },
  'fdiv.d': { fn: (x, rm) => fastDiv64(x[0]!, x[1]!, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.6 },
  'fsqrt.d': { fn: (x, rm) => fastSqrt64(x[0]!, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.4 },
  'fmadd.d': { fn: (x, rm) => fastMulAdd64(x[0]!, x[1]!, x[2]!, false, false, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.4 },
  'fmsub.d': { fn: (x, rm) => fastMulAdd64(x[0]!, x[1]!, x[2]!, false, true, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.4 },
  'fnmsub.d': { fn: (x, rm) => fastMulAdd64(x[0]!, x[1]!, x[2]!, true, false, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.4 },
  'fnmadd.d': { fn: (x, rm) => fastMulAdd64(x[0]!, x[1]!, x[2]!, true, true, rm), toHost: d, toBits: doubleToBits, allModes: true, minShare: 0.4 },
  'fcvt.w.s': toInt(IntKind.I32, s),
  'fcvt.wu.s': toInt(IntKind.U32, s),
  'fcvt.l.s': toInt(IntKind.I64, s),
  'fcvt.lu.s': toInt(IntKind.U64, s),
  'fcvt.w.d': toInt(IntKind.I32, d),
  'fcvt.wu.d': toInt(IntKind.U32, d),
  'fcvt.l.d': toInt(IntKind.I64, d),
  'fcvt.lu.d': toInt(IntKind.U64, d),
  'fcvt.s.d': { fn: (x, rm) => narrowToSingle(x[0]!, rm), toHost: d, toBits: singleToBits, allModes: true, minShare: 0.3 },
  'fcvt.s.w': fromInt(IntKind.I32, true),
  'fcvt.s.wu': fromInt(IntKind.U32, true),
  'fcvt.s.l': fromInt(IntKind.I64, true),
  'fcvt.s.lu': fromInt(IntKind.U64, true),
  'fcvt.d.w': fromInt(IntKind.I32, false),
  'fcvt.d.wu': fromInt(IntKind.U32, false),
  'fcvt.d.l': fromInt(IntKind.I64, false),
  'fcvt.d.lu': fromInt(IntKind.U64, false),
};

const hex = (v: bigint): string => '0x' + v.toString(16);

for (const section of loadVectors()) {
  const c = CASES[section.op];
  if (!c) continue;
  test(`fast path: ${section.op} matches qemu whenever it decides`, () => {
    const failures: string[] = [];
    let eligible = 0, decided = 0;
    for (const row of section.rows) {
      const x = c.hostArgs ? c.hostArgs(row.args) : row.args.map(c.toHost);
      // NaN operands are the exact path's business (the helpers never pass them here),
      // except for float -> integer, which handles them.
      const nanFree = x.every((v) => v === v);
      if (!nanFree && !section.op.startsWith('fcvt.w') && !section.op.startsWith('fcvt.l')) continue;
      const modes = c.allModes ? row.results.length : 1;
      for (let rm = 0; rm < modes; rm++) {
        eligible++;
        fpStatus.clear();
        const r = c.fn(x, rm);
        if (r !== r) {
          assert.equal(fpStatus.flags, 0, 'a declining fast path raised flags');
          continue;
        }
        decided++;
        const bits = c.toBits(r);
        if (bits !== row.results[rm] || fpStatus.flags !== row.flags[rm]) {
          failures.push(`${row.args.map(hex).join(' ')} rm=${rm}: got ${hex(bits)}/${fpStatus.flags} want ${hex(row.results[rm]!)}/${row.flags[rm]}`);
        }
      }
    }
    assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.slice(0, 8).join('\n')}`);
    assert.ok(decided >= c.minShare * eligible, `decided only ${decided} of ${eligible}`);
    if (process.env.FP_SHOW_SHARE) console.log(`${section.op}: host decided ${decided} of ${eligible}`);
  });
}

// Beyond the vectors: many random fused multiply-adds built to land near
// rounding boundaries (c close to -a*b, c at the scale of the product's
// rounding error). The exact path is checked against QEMU above; here the
// fast path must agree with it bit for bit whenever it decides.
import { BINARY32, BINARY64 } from '../../src/fpu/format.js';
import { softMulAdd } from '../../src/fpu/soft-arith.js';

function xorshift(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function stressMulAdd(is64: boolean, count: number): void {
  const rand = xorshift(is64 ? 0x2468ace : 0x1357bdf);
  const round = is64 ? (x: number) => x : Math.fround;
  const toBits = is64 ? doubleToBits : singleToBits;
  const fmt = is64 ? BINARY64 : BINARY32;
  const fast = is64 ? fastMulAdd64 : fastMulAdd32;
  const value = (): number => round((rand() * 2 - 1) * 2 ** Math.floor(rand() * 60 - 30));
  let decided = 0;
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = value(), b = value();
    let c: number;
    switch (i % 4) {
      case 0: c = value(); break;
      case 1: c = round(-(a * b)); break;
      case 2: c = round(-(a * b) * (1 + (rand() - 0.5) * 2 ** -20)); break;
      default: c = round(a * b * 2 ** -(is64 ? 53 : 24) * (rand() * 4 - 2)); break;
    }
    const negP = (i & 16) !== 0, negC = (i & 32) !== 0;
    fpStatus.clear();
    const rm: RoundingMode = i % 5;
    const r = fast(a, b, c, negP, negC, rm);
    const fastFlags = fpStatus.flags;
    if (r !== r) continue;
    decided++;
    fpStatus.clear();
    const want = softMulAdd(toBits(a), toBits(b), toBits(c), negP, negC, rm, fmt);
    if (toBits(r) !== want || fastFlags !== fpStatus.flags) failures.push(`${a} ${b} ${c} ${negP} ${negC}`);
  }
  assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.slice(0, 5).join('\n')}`);
  assert.ok(decided > count * 0.9, `decided only ${decided} of ${count}`);
}

test('fast fmadd.d agrees with the exact path near rounding boundaries, in every mode', () => stressMulAdd(true, 40000));
test('fast fmadd.s agrees with the exact path near rounding boundaries, in every mode', () => stressMulAdd(false, 40000));

import { softAdd, softDiv, softMul, softSqrt } from '../../src/fpu/soft-arith.js';

// Directed rounding on the host: random operands built to produce ties and
// near-ties (short significands, addends at half an ulp), in every mode.
function stressArith(is64: boolean, count: number): void {
  const rand = xorshift(is64 ? 0xbeef : 0xcafe);
  const round = is64 ? (x: number) => x : Math.fround;
  const toBits = is64 ? doubleToBits : singleToBits;
  const fmt = is64 ? BINARY64 : BINARY32;
  const p = is64 ? 53 : 24;
  const shortSignificand = (): number => {
    const bits = Math.ceil(p / 2) + Math.floor(rand() * 3);
    const m = Math.floor(rand() * 2 ** bits) | 1;
    return round(m * 2 ** Math.floor(rand() * 20 - bits - 10)) * (rand() < 0.5 ? -1 : 1);
  };
  const ops = [
    { name: 'add', fast: is64 ? fastAdd64 : fastAdd32, soft: softAdd },
    { name: 'mul', fast: is64 ? fastMul64 : fastMul32, soft: softMul },
    { name: 'div', fast: is64 ? fastDiv64 : fastDiv32, soft: softDiv },
  ];
  const failures: string[] = [];
  let decided = 0;
  for (let i = 0; i < count; i++) {
    const a = shortSignificand();
    // Every third b is a small multiple of half an ulp of a: exact ties when odd.
    const b = i % 3 === 0 ? round(2 ** (Math.floor(Math.log2(Math.abs(a))) - p) * Math.floor(rand() * 7 - 3)) || 1 : shortSignificand();
    const rm = i % 5;
    for (const op of ops) {
      fpStatus.clear();
      const r = op.fast(a, b, rm);
      const flags = fpStatus.flags;
      if (r !== r) continue;
      decided++;
      fpStatus.clear();
      const want = op.soft(toBits(a), toBits(b), rm, fmt);
      if (toBits(r) !== want || flags !== fpStatus.flags) failures.push(`${op.name} ${a} ${b} rm=${rm}`);
    }
    fpStatus.clear();
    const root = is64 ? fastSqrt64(Math.abs(a), rm) : fastSqrt32(Math.abs(a), rm);
    const rootFlags = fpStatus.flags;
    if (root === root) {
      fpStatus.clear();
      const want = softSqrt(toBits(Math.abs(a)), rm, fmt);
      if (toBits(root) !== want || rootFlags !== fpStatus.flags) failures.push(`sqrt ${a} rm=${rm}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.slice(0, 5).join('\n')}`);
  assert.ok(decided > count * 2.5, `decided only ${decided} of ${count * 3}`);
}

test('fast binary64 add/mul/div/sqrt agree with the exact path in every rounding mode', () => stressArith(true, 20000));
test('fast binary32 add/mul/div/sqrt agree with the exact path in every rounding mode', () => stressArith(false, 20000));

import { softConvert } from '../../src/fpu/soft-convert.js';

// Tiny binary32 results (subnormal or rounding to the smallest normal):
// products and narrowed doubles, where underflow and tininess-after-rounding
// are decided on the host.
test('fast binary32 results near and below the normal range agree with the exact path', () => {
  const rand = xorshift(0x5eed);
  const failures: string[] = [];
  let decided = 0;
  for (let i = 0; i < 20000; i++) {
    const bits = 1 + Math.floor(rand() * 24);
    const a = Math.fround((Math.floor(rand() * 2 ** bits) | 1) * 2 ** Math.floor(rand() * 60 - 100) * (rand() < 0.5 ? -1 : 1));
    const b = Math.fround((Math.floor(rand() * 2 ** 24) | 1) * 2 ** Math.floor(rand() * 40 - 40));
    fpStatus.clear();
    const product = fastMul32(a, b, RoundingMode.RNE);
    const productFlags = fpStatus.flags;
    if (product === product) {
      decided++;
      fpStatus.clear();
      const want = softMul(singleToBits(a), singleToBits(b), RoundingMode.RNE, BINARY32);
      if (want !== singleToBits(product) || productFlags !== fpStatus.flags) failures.push(`mul ${a} ${b}`);
    }
    const x = (rand() * 2 - 1) * 2 ** Math.floor(rand() * 40 - 160);
    fpStatus.clear();
    const narrowed = narrowToSingle(x, RoundingMode.RNE);
    const narrowFlags = fpStatus.flags;
    if (narrowed === narrowed) {
      decided++;
      fpStatus.clear();
      const want = softConvert(doubleToBits(x), RoundingMode.RNE, BINARY64, BINARY32);
      if (want !== singleToBits(narrowed) || narrowFlags !== fpStatus.flags) failures.push(`narrow ${x}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.slice(0, 5).join('\n')}`);
  assert.ok(decided > 39000, `decided only ${decided}`);
});
