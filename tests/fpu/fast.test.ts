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
import { floatToInt, IntKind, intToFloat32, narrowToFloat32 } from '../../src/fpu/fast-convert.js';
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

/** Integer register -> exact double (only the cases the helpers send to the host: |v| < 2^53). */
function intOperand(signed32: boolean, unsigned32: boolean): (b: bigint) => number {
  return (b) => {
    const v = signed32 ? BigInt.asIntN(32, b) : unsigned32 ? BigInt.asUintN(32, b) : BigInt.asIntN(64, b);
    return v >= -(1n << 53n) && v <= 1n << 53n ? Number(v) : NaN;
  };
}

const CASES: Record<string, FastCase> = {
  'fadd.s': { fn: (x) => fastAdd32(x[0]!, x[1]!), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.9 },
  'fsub.s': { fn: (x) => fastSub32(x[0]!, x[1]!), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.9 },
  'fmul.s': { fn: (x) => fastMul32(x[0]!, x[1]!), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.6 },
  'fdiv.s': { fn: (x) => fastDiv32(x[0]!, x[1]!), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.6 },
  'fsqrt.s': { fn: (x) => fastSqrt32(x[0]!), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.4 },
  'fmadd.s': { fn: (x) => fastMulAdd32(x[0]!, x[1]!, x[2]!, false, false), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.3 },
  'fmsub.s': { fn: (x) => fastMulAdd32(x[0]!, x[1]!, x[2]!, false, true), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.3 },
  'fnmsub.s': { fn: (x) => fastMulAdd32(x[0]!, x[1]!, x[2]!, true, false), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.3 },
  'fnmadd.s': { fn: (x) => fastMulAdd32(x[0]!, x[1]!, x[2]!, true, true), toHost: s, toBits: singleToBits, allModes: false, minShare: 0.3 },
  'fadd.d': { fn: (x) => fastAdd64(x[0]!, x[1]!), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.9 },
  'fsub.d': { fn: (x) => fastSub64(x[0]!, x[1]!), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.9 },
  'fmul.d': { fn: (x) => fastMul64(x[0]!, x[1]!), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.6 },
  'fdiv.d': { fn: (x) => fastDiv64(x[0]!, x[1]!), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.6 },
  'fsqrt.d': { fn: (x) => fastSqrt64(x[0]!), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.4 },
  'fmadd.d': { fn: (x) => fastMulAdd64(x[0]!, x[1]!, x[2]!, false, false), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.1 },
  'fmsub.d': { fn: (x) => fastMulAdd64(x[0]!, x[1]!, x[2]!, false, true), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.1 },
  'fnmsub.d': { fn: (x) => fastMulAdd64(x[0]!, x[1]!, x[2]!, true, false), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.1 },
  'fnmadd.d': { fn: (x) => fastMulAdd64(x[0]!, x[1]!, x[2]!, true, true), toHost: d, toBits: doubleToBits, allModes: false, minShare: 0.1 },
  'fcvt.w.s': toInt(IntKind.I32, s),
  'fcvt.wu.s': toInt(IntKind.U32, s),
  'fcvt.l.s': toInt(IntKind.I64, s),
  'fcvt.lu.s': toInt(IntKind.U64, s),
  'fcvt.w.d': toInt(IntKind.I32, d),
  'fcvt.wu.d': toInt(IntKind.U32, d),
  'fcvt.l.d': toInt(IntKind.I64, d),
  'fcvt.lu.d': toInt(IntKind.U64, d),
  'fcvt.s.d': { fn: (x, rm) => narrowToFloat32(x[0]!, rm), toHost: d, toBits: singleToBits, allModes: true, minShare: 0.1 },
  'fcvt.s.w': { fn: (x, rm) => intToFloat32(x[0]!, rm), toHost: intOperand(true, false), toBits: singleToBits, allModes: true, minShare: 0.3 },
  'fcvt.s.wu': { fn: (x, rm) => intToFloat32(x[0]!, rm), toHost: intOperand(false, true), toBits: singleToBits, allModes: true, minShare: 0.3 },
  'fcvt.s.l': { fn: (x, rm) => intToFloat32(x[0]!, rm), toHost: intOperand(false, false), toBits: singleToBits, allModes: true, minShare: 0.2 },
};

const hex = (v: bigint): string => '0x' + v.toString(16);

for (const section of loadVectors()) {
  const c = CASES[section.op];
  if (!c) continue;
  test(`fast path: ${section.op} matches qemu whenever it decides`, () => {
    const failures: string[] = [];
    let eligible = 0, decided = 0;
    for (const row of section.rows) {
      const x = row.args.map(c.toHost);
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
