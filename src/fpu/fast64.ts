// The fast path for binary64 arithmetic (QEMU's "hardfloat" idea, taken
// further): compute on the host, and accept the host result only when it is
// provably the correctly rounded one with exactly known flags. The host
// rounds to nearest-even; error-free transformations give the exact side of
// the true value, from which the directed modes follow (fast-directed.ts).
// Each function takes non-NaN operands and returns the result, or NaN to say
// "not decided here: take the exact software path". Flags are raised only
// when a result is returned, so a fallback never leaves stray flags.
//
// Why underflow never needs checking for add: a sum of two doubles whose
// magnitude is below the smallest normal is a multiple of 2^-1074 that fits
// in the subnormal range, so it is exact, and an exact result never raises UF.

import { FpFlag, RoundingMode } from './format.js';
import { roundFromNearest } from './fast-directed.js';
import { fpStatus } from './status.js';
import { inSafeRange, isPowerOfTwo, twoProductError, twoSumError, ulpAbove } from './exact-host.js';

/** Largest finite binary64. */
const MAX_FINITE_64 = Number.MAX_VALUE;
/** Directed rounding needs the spacing at r as a normal double (see ulpAbove). */
const DIRECTED_MIN_64 = 2 ** -960;

/** r = RNE(x) is inexact with sign(x - r) = sigma: raise NX and round in rm. NaN to fall back. */
function inexact64(r: number, sigma: number, tie: boolean, rm: RoundingMode): number {
  if (rm !== RoundingMode.RNE) {
    if (!(Math.abs(r) >= DIRECTED_MIN_64)) return NaN;
    r = roundFromNearest(r, sigma, tie, rm, ulpAbove(r), MAX_FINITE_64);
    if (r !== r) return NaN;
  }
  fpStatus.raise(FpFlag.NX);
  return r;
}

/** Whether x = r + err with err on the away-from-zero side at exactly half the spacing. */
function isTieAway(r: number, err: number): boolean {
  return (err > 0) === (r > 0) && Math.abs(err) === ulpAbove(r) / 2;
}

export function fastAdd64(a: number, b: number, rm: RoundingMode): number {
  const s = a + b;
  if (s - s !== 0) return NaN; // overflow, or an infinite operand
  const err = twoSumError(a, b, s);
  if (err === 0) {
    // An exact zero sum of opposite operands is -0 when rounding down.
    if (s === 0 && rm === RoundingMode.RDN) return Object.is(a, 0) && Object.is(b, 0) ? 0 : -0;
    return s;
  }
  return inexact64(s, err, rm === RoundingMode.RMM && isTieAway(s, err), rm);
}

export function fastSub64(a: number, b: number, rm: RoundingMode): number {
  return fastAdd64(a, -b, rm);
}

export function fastMul64(a: number, b: number, rm: RoundingMode): number {
  const p = a * b;
  // A zero operand times a finite one is an exact signed zero; times an
  // infinity the host gives NaN, which falls back.
  if (a === 0 || b === 0) return p;
  if (!inSafeRange(a) || !inSafeRange(b) || !inSafeRange(p)) return NaN;
  const err = twoProductError(a, b, p);
  if (err === 0) return p;
  return inexact64(p, err, rm === RoundingMode.RMM && isTieAway(p, err), rm);
}

export function fastDiv64(a: number, b: number, rm: RoundingMode): number {
  if (b === 0) return NaN; // DZ or NV
  const q = a / b;
  if (a === 0) return q === 0 ? q : NaN;
  if (!inSafeRange(a) || !inSafeRange(b) || !inSafeRange(q)) return NaN;
  // a - q*b = (a - p) - pe exactly (a - p by Sterbenz); its sign, times b's,
  // is the side of the true quotient. A quotient is never a tie.
  const p = q * b;
  const pe = twoProductError(q, b, p);
  const rest = a - p;
  if (rest === pe) return q;
  return inexact64(q, (rest > pe) === (b > 0) ? 1 : -1, false, rm);
}

export function fastSqrt64(a: number, rm: RoundingMode): number {
  if (a === 0) return a; // sqrt(-0) = -0
  if (!(a > 0) || !inSafeRange(a)) return NaN;
  const r = Math.sqrt(a);
  const p = r * r;
  const pe = twoProductError(r, r, p);
  const rest = a - p;
  if (rest === pe) return r;
  return inexact64(r, rest > pe ? 1 : -1, false, rm);
}

/** Below this magnitude the FMA fast path declines: ulps and half-ulps of results stay normal doubles. */
const FMA_RESULT_MIN = 2 ** -900;

/**
 * Fused multiply-add. The exact value a*b + c is rewritten without error as
 * x = r + e3 + e2 with r = fl(s + t) (error-free transformations below); r
 * is the correctly rounded x unless e3 + e2 reaches a rounding boundary of r,
 * which is checked exactly, with a margin that only ever causes a fallback.
 * The other rounding modes follow from r and the sign of x - r.
 */
export function fastMulAdd64(a: number, b: number, c: number, negProduct: boolean, negAddend: boolean, rm: RoundingMode): number {
  let p = a * b;
  let pe = 0;
  if (a !== 0 && b !== 0) {
    if (!inSafeRange(a) || !inSafeRange(b) || !inSafeRange(p)) return NaN;
    pe = twoProductError(a, b, p);
  }
  if (negProduct) {
    p = -p;
    pe = -pe;
  }
  const addend = negAddend ? -c : c;
  if (pe === 0) return fastAdd64(p, addend, rm);
  const s = p + addend;
  if (s - s !== 0) return NaN;
  const e1 = twoSumError(p, addend, s); // p + c = s + e1
  const t = e1 + pe;
  const e2 = twoSumError(e1, pe, t); // x = s + t + e2
  const r = s + t;
  if (!(Math.abs(r) >= FMA_RESULT_MIN) || r - r !== 0) return NaN;
  const e3 = twoSumError(s, t, r); // x = r + e3 + e2
  if (e2 !== 0) {
    // Distance (away from zero positive) of x from r is d = e3 + e2; r stays
    // the nearest iff -halfBelow < d < halfAbove. Inside those bounds x
    // cannot be a tie either.
    const halfAbove = ulpAbove(r) / 2;
    const halfBelow = isPowerOfTwo(r) ? halfAbove / 2 : halfAbove;
    const d3 = r > 0 ? e3 : -e3, d2 = r > 0 ? e2 : -e2;
    if (Math.abs(d2) >= halfBelow / 2) return NaN;
    // Exact where it matters (Sterbenz near the boundary), else far from |d2|.
    if (!(d2 < halfAbove - d3 && -d2 < d3 + halfBelow)) return NaN;
    if (e3 === -e2) return r;
    // The rounded sum e3 + e2 has the sign of the exact one.
    return inexact64(r, e3 + e2, false, rm);
  }
  if (e3 === 0) return r;
  return inexact64(r, e3, rm === RoundingMode.RMM && isTieAway(r, e3), rm);
}
