// The fast path for binary64 arithmetic in roundTiesToEven (QEMU's
// "hardfloat" idea): compute on the host, and accept the host result only
// when it is provably the correctly rounded one with exactly known flags.
// Each function takes non-NaN operands and returns the result, or NaN to say
// "not decided here: take the exact software path". Flags are raised only
// when a result is returned, so a fallback never leaves stray flags.
//
// Why underflow never needs checking for add: a sum of two doubles whose
// magnitude is below the smallest normal is a multiple of 2^-1074 that fits
// in the subnormal range, so it is exact, and an exact result never raises UF.

import { FpFlag } from './format.js';
import { fpStatus } from './status.js';
import { inSafeRange, twoProductError, twoSumError } from './exact-host.js';

export function fastAdd64(a: number, b: number): number {
  const s = a + b;
  if (s - s !== 0) return NaN; // overflow, or an infinite operand
  if (twoSumError(a, b, s) !== 0) fpStatus.raise(FpFlag.NX);
  return s;
}

export function fastSub64(a: number, b: number): number {
  return fastAdd64(a, -b);
}

export function fastMul64(a: number, b: number): number {
  const p = a * b;
  // A zero operand times a finite one is an exact signed zero; times an
  // infinity the host gives NaN, which falls back.
  if (a === 0 || b === 0) return p;
  if (!inSafeRange(a) || !inSafeRange(b) || !inSafeRange(p)) return NaN;
  if (twoProductError(a, b, p) !== 0) fpStatus.raise(FpFlag.NX);
  return p;
}

export function fastDiv64(a: number, b: number): number {
  if (b === 0) return NaN; // DZ or NV
  const q = a / b;
  if (a === 0) return q === 0 ? q : NaN;
  if (!inSafeRange(a) || !inSafeRange(b) || !inSafeRange(q)) return NaN;
  // q is exact iff q * b == a exactly.
  const p = q * b;
  if (p !== a || twoProductError(q, b, p) !== 0) fpStatus.raise(FpFlag.NX);
  return q;
}

export function fastSqrt64(a: number): number {
  if (a === 0) return a; // sqrt(-0) = -0
  if (!(a > 0) || !inSafeRange(a)) return NaN;
  const r = Math.sqrt(a);
  const p = r * r;
  if (p !== a || twoProductError(r, r, p) !== 0) fpStatus.raise(FpFlag.NX);
  return r;
}

/**
 * Fused multiply-add, decided on the host only when the product a*b is exact
 * as a double: then one host addition is the single rounding. Otherwise (the
 * usual case for random operands) the exact path decides.
 */
export function fastMulAdd64(a: number, b: number, c: number, negProduct: boolean, negAddend: boolean): number {
  let p = a * b;
  if (a !== 0 && b !== 0) {
    if (!inSafeRange(a) || !inSafeRange(b) || !inSafeRange(p)) return NaN;
    if (twoProductError(a, b, p) !== 0) return NaN;
  }
  if (negProduct) p = -p;
  const addend = negAddend ? -c : c;
  return fastAdd64(p, addend);
}
