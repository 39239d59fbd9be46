// Constant folding of the commonest value ops on int32 halves, for the
// optimizer. fold.ts (BigInt) stays the reference and handles every other op;
// this path exists because BigInt arithmetic allocates and the optimizer runs
// on every TB (tests/ir/fold-fast.test.ts checks it against fold.ts).
//
// A value is (lo, hi): its low and high 32 bits as int32s; i32 values have
// hi = 0. Results go to FOLD_LO / FOLD_HI.

import { Opc } from './ops.js';
import { Cond } from './types.js';

export let FOLD_LO = 0;
export let FOLD_HI = 0;

function set(lo: number, hi: number): true {
  FOLD_LO = lo | 0;
  FOLD_HI = hi | 0;
  return true;
}

const TWO_32 = 4294967296;

/** (alo, ahi) + (blo, bhi) mod 2^64. */
function add64(alo: number, ahi: number, blo: number, bhi: number): true {
  const s = (alo >>> 0) + (blo >>> 0);
  return set(s, ahi + bhi + (s >= TWO_32 ? 1 : 0));
}

function sub64(alo: number, ahi: number, blo: number, bhi: number): true {
  const d = (alo >>> 0) - (blo >>> 0);
  return set(d, ahi - bhi - (d < 0 ? 1 : 0));
}

function shl64(lo: number, hi: number, n: number): true {
  n &= 63;
  if (n === 0) return set(lo, hi);
  if (n >= 32) return set(0, lo << (n - 32));
  return set(lo << n, (hi << n) | (lo >>> (32 - n)));
}

function shr64(lo: number, hi: number, n: number): true {
  n &= 63;
  if (n === 0) return set(lo, hi);
  if (n >= 32) return set(hi >>> (n - 32), 0);
  return set((lo >>> n) | (hi << (32 - n)), hi >>> n);
}

function sar64(lo: number, hi: number, n: number): true {
  n &= 63;
  if (n === 0) return set(lo, hi);
  if (n >= 32) return set(hi >> (n - 32), hi >> 31);
  return set((lo >>> n) | (hi << (32 - n)), hi >> n);
}

/** a cond b on i64 halves (i32 values go through compare32: their signs live in bit 31). */
function compare64(cond: Cond, alo: number, ahi: number, blo: number, bhi: number): boolean | undefined {
  const eq = alo === blo && ahi === bhi;
  // Unsigned order: high halves, then low halves.
  const ult = (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
  // Signed order: high halves signed, then low halves unsigned.
  const slt = ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
  return condFrom(cond, eq, slt, ult);
}

function compare32(cond: Cond, a: number, b: number): boolean | undefined {
  return condFrom(cond, a === b, (a | 0) < (b | 0), (a >>> 0) < (b >>> 0));
}

function condFrom(cond: Cond, eq: boolean, slt: boolean, ult: boolean): boolean | undefined {
  switch (cond) {
    case Cond.Never: return false;
    case Cond.Always: return true;
    case Cond.EQ: return eq;
    case Cond.NE: return !eq;
    case Cond.LT: return slt;
    case Cond.GE: return !slt;
    case Cond.LE: return slt || eq;
    case Cond.GT: return !slt && !eq;
    case Cond.LTU: return ult;
    case Cond.GEU: return !ult;
    case Cond.LEU: return ult || eq;
    case Cond.GTU: return !ult && !eq;
    default: return undefined;
  }
}

/** The outcome of `a cond b` for constant operands of width bits, on int32 halves; undefined for a bad cond. */
export function evalCondPair(cond: Cond, bits: 32 | 64, alo: number, ahi: number, blo: number, bhi: number): boolean | undefined {
  return bits === 32 ? compare32(cond, alo, blo) : compare64(cond, alo, ahi, blo, bhi);
}

/**
 * Fold a one-output op whose inputs are the constants (alo, ahi) and (blo,
 * bhi) (b unused by unary ops), with first constant arg c0. Returns false for
 * ops this file does not handle (the caller falls back to fold.ts).
 */
export function foldPair(opc: Opc, alo: number, ahi: number, blo: number, bhi: number, c0: number): boolean {
  switch (opc) {
    case Opc.mov_i32: case Opc.mov_i64: return set(alo, ahi);
    case Opc.add_i32: return set(alo + blo, 0);
    case Opc.add_i64: return add64(alo, ahi, blo, bhi);
    case Opc.sub_i32: return set(alo - blo, 0);
    case Opc.sub_i64: return sub64(alo, ahi, blo, bhi);
    case Opc.and_i32: case Opc.and_i64: return set(alo & blo, ahi & bhi);
    case Opc.or_i32: case Opc.or_i64: return set(alo | blo, ahi | bhi);
    case Opc.xor_i32: case Opc.xor_i64: return set(alo ^ blo, ahi ^ bhi);
    case Opc.andc_i32: return set(alo & ~blo, 0);
    case Opc.andc_i64: return set(alo & ~blo, ahi & ~bhi);
    case Opc.not_i32: return set(~alo, 0);
    case Opc.not_i64: return set(~alo, ~ahi);
    case Opc.neg_i32: return set(-alo, 0);
    case Opc.neg_i64: return sub64(0, 0, alo, ahi);
    case Opc.shl_i32: return set(alo << (blo & 31), 0);
    case Opc.shl_i64: return shl64(alo, ahi, blo);
    case Opc.shr_i32: return set(alo >>> (blo & 31), 0);
    case Opc.shr_i64: return shr64(alo, ahi, blo);
    case Opc.sar_i32: return set(alo >> (blo & 31), 0);
    case Opc.sar_i64: return sar64(alo, ahi, blo);
    case Opc.ext32s_i64: case Opc.ext_i32_i64: return set(alo, alo >> 31);
    case Opc.ext32u_i64: case Opc.extu_i32_i64: case Opc.extrl_i64_i32: return set(alo, 0);
    case Opc.extrh_i64_i32: return set(ahi, 0);
    case Opc.setcond_i32: return set(compare32(c0, alo, blo) ? 1 : 0, 0);
    case Opc.setcond_i64: return set(compare64(c0, alo, ahi, blo, bhi) ? 1 : 0, 0);
    default: return false;
  }
}
