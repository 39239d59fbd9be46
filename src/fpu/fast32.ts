// The fast path for binary32 arithmetic in roundTiesToEven. Operands are
// binary32 values held in host doubles (exact). The host computes in double
// and rounds to single with Math.fround: for +, -, *, / and sqrt this double
// rounding is innocuous because 53 >= 2*24 + 2 (Figueroa's condition), so
// the result is the correctly rounded one. What needs care is the flags:
// inexactness is checked exactly, and results that might be tiny or overflow
// go to the exact path. Contract as in fast64.ts: NaN means "fall back".

import { FpFlag, MIN_NORMAL_32 } from './format.js';
import { fpStatus } from './status.js';
import { twoSumError } from './exact-host.js';

/** Accept r (the fround of a host result) unless it overflowed or may be tiny and inexact. */
function accept32(r: number, inexact: boolean): number {
  if (r - r !== 0) return NaN;
  if (inexact) {
    if (Math.abs(r) <= MIN_NORMAL_32) return NaN;
    fpStatus.raise(FpFlag.NX);
  }
  return r;
}

export function fastAdd32(a: number, b: number): number {
  const s = a + b;
  if (s - s !== 0) return NaN;
  const r = Math.fround(s);
  return accept32(r, r !== s || twoSumError(a, b, s) !== 0);
}

export function fastSub32(a: number, b: number): number {
  return fastAdd32(a, -b);
}

export function fastMul32(a: number, b: number): number {
  // 24-bit by 24-bit significands: the double product is exact.
  const p = a * b;
  const r = Math.fround(p);
  return accept32(r, r !== p);
}

export function fastDiv32(a: number, b: number): number {
  if (b === 0 || b - b !== 0) return NaN;
  const r = Math.fround(a / b);
  // r * b is exact in double (24 + 24 bits), and equals a iff r is the exact quotient.
  return accept32(r, r * b !== a);
}

export function fastSqrt32(a: number): number {
  if (a === 0) return a;
  if (!(a > 0)) return NaN;
  const r = Math.fround(Math.sqrt(a));
  return accept32(r, r * r !== a);
}

/**
 * Fused multiply-add: the product is exact in double; the host sum must be
 * exact too, since rounding an arbitrary exact value twice (to 53, then 24
 * bits) is not innocuous.
 */
export function fastMulAdd32(a: number, b: number, c: number, negProduct: boolean, negAddend: boolean): number {
  const p = negProduct ? -(a * b) : a * b;
  const addend = negAddend ? -c : c;
  const s = p + addend;
  if (s - s !== 0 || twoSumError(p, addend, s) !== 0) return NaN;
  const r = Math.fround(s);
  return accept32(r, r !== s);
}
