// The fast path for binary32 arithmetic in roundTiesToEven. Operands are
// binary32 values held in host doubles (exact). The host computes in double
// and rounds to single with Math.fround: for +, -, *, / and sqrt this double
// rounding is innocuous because 53 >= 2*24 + 2 (Figueroa's condition), so
// the result is the correctly rounded one. What needs care is the flags:
// inexactness is checked exactly, and results that might be tiny or overflow
// go to the exact path. Contract as in fast64.ts: NaN means "fall back".

import { FpFlag, MIN_NORMAL_32, RoundingMode } from './format.js';
import { roundFromNearest } from './fast-directed.js';
import { fpStatus } from './status.js';
import { twoSumError, ulpAbove } from './exact-host.js';

/** Largest finite binary32. */
const MAX_FINITE_32 = 3.4028234663852886e38;
/** A binary32 value's spacing is its binary64 spacing times 2^(52 - 23). */
const SPACING_32_PER_64 = 2 ** 29;

/**
 * Accept r (the fround of a host result) unless it overflowed or may be
 * tiny and inexact. sigma = sign of (exact - r), 0 when exact; tie = the
 * exact value is halfway to r's neighbour away from zero.
 */
function accept32(r: number, sigma: number, tie: boolean, rm: RoundingMode): number {
  if (r - r !== 0) return NaN;
  if (sigma !== 0) {
    if (Math.abs(r) <= MIN_NORMAL_32) return NaN;
    if (rm !== RoundingMode.RNE) {
      r = roundFromNearest(r, sigma, tie, rm, ulpAbove(r) * SPACING_32_PER_64, MAX_FINITE_32);
      if (r !== r) return NaN;
    }
    fpStatus.raise(FpFlag.NX);
  }
  return r;
}

/** For x held exactly in a double: its side of r and whether it is a tie away from zero. */
function acceptExact32(x: number, rm: RoundingMode): number {
  const r = Math.fround(x);
  if (r === x) return r;
  const d = x - r;
  const tie = rm === RoundingMode.RMM && (d > 0) === (r > 0) && r - r === 0 && r !== 0 &&
    Math.abs(d) === (ulpAbove(r) * SPACING_32_PER_64) / 2;
  return accept32(r, d, tie, rm);
}

export function fastAdd32(a: number, b: number, rm: RoundingMode): number {
  const s = a + b;
  if (s - s !== 0) return NaN;
  const err = twoSumError(a, b, s);
  if (err === 0) {
    if (s === 0 && rm === RoundingMode.RDN) return Object.is(a, 0) && Object.is(b, 0) ? 0 : -0;
    return acceptExact32(s, rm);
  }
  // s is inexact only when the operands are far apart; fround(s) is still
  // RNE (innocuous double rounding) and x lies on the side of s, or of err
  // when s is itself a single. Never a tie: a tie is exact in double.
  const r = Math.fround(s);
  return accept32(r, r !== s ? s - r : err, false, rm);
}

export function fastSub32(a: number, b: number, rm: RoundingMode): number {
  return fastAdd32(a, -b, rm);
}

export function fastMul32(a: number, b: number, rm: RoundingMode): number {
  // 24-bit by 24-bit significands: the double product is exact.
  return acceptExact32(a * b, rm);
}

export function fastDiv32(a: number, b: number, rm: RoundingMode): number {
  if (b === 0 || b - b !== 0) return NaN;
  const r = Math.fround(a / b);
  // r * b is exact in double (24 + 24 bits): a - r*b gives the side; never a tie.
  const rest = a - r * b;
  return accept32(r, b > 0 ? rest : -rest, false, rm);
}

export function fastSqrt32(a: number, rm: RoundingMode): number {
  if (a === 0) return a;
  if (!(a > 0)) return NaN;
  const r = Math.fround(Math.sqrt(a));
  return accept32(r, a - r * r, false, rm);
}

/**
 * Fused multiply-add: the product is exact in double, the sum s = fl(p + c)
 * may not be. Rounding s to single gives the correctly rounded a*b + c unless
 * s sits exactly on a midpoint between two singles (any midpoint between the
 * exact value and s would be a double nearer to it than s): then fall back.
 */
export function fastMulAdd32(a: number, b: number, c: number, negProduct: boolean, negAddend: boolean): number {
  const p = negProduct ? -(a * b) : a * b;
  const addend = negAddend ? -c : c;
  const s = p + addend;
  if (s - s !== 0) return NaN;
  const r = Math.fround(s);
  const err = twoSumError(p, addend, s);
  if (err === 0) return accept32(r, s - r, false, RoundingMode.RNE);
  if (r === s) return accept32(r, err, false, RoundingMode.RNE); // s itself is a single: nothing lies between
  // s is a midpoint iff its mirror image across s, 2s - r, is a single too
  // (computed exactly in that case; a spurious match only costs a fallback).
  const mirror = r + 2 * (s - r);
  if (Math.fround(mirror) === mirror) return NaN;
  return accept32(r, s - r, false, RoundingMode.RNE);
}
