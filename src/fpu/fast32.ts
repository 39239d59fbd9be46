// The fast path for binary32 arithmetic. Operands are binary32 values held
// in host doubles (exact). The host computes in double and rounds to single
// with Math.fround: for +, -, *, / and sqrt this double rounding is
// innocuous because 53 >= 2*24 + 2 (Figueroa's condition), so the result is
// the correctly rounded one (sums of arbitrary doubles get a midpoint check,
// see roundSumToSingle). What needs care is the flags: inexactness and the
// side of the exact value are computed exactly (and give the directed modes),
// results that might be tiny or overflow go to the exact path. Contract as
// in fast64.ts: NaN means "fall back".

import { FpFlag, MIN_NORMAL_32, RoundingMode } from './format.js';
import { roundFromNearest } from './fast-directed.js';
import { fpStatus } from './status.js';
import { twoSumError, ulpAbove } from './exact-host.js';

/** Largest finite binary32. */
const MAX_FINITE_32 = 3.4028234663852886e38;
/** Moves any tiny binary32 result into the normal range without leaving the double range. */
const TININESS_SCALE = 2 ** 64;
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

/** x (exact in a double, finite) rounded to binary32 in rm, or NaN to fall back. */
export function roundToSingle(x: number, rm: RoundingMode): number {
  const r = Math.fround(x);
  if (r === x) return r;
  const d = x - r;
  if (rm === RoundingMode.RNE && Math.abs(r) <= MIN_NORMAL_32) {
    // fround rounds exact x onto the subnormal grid correctly. Tininess is
    // judged after rounding with an unbounded exponent: scaled by 2^64 into
    // the normal range (or still below it, then surely tiny), x rounds as if
    // the exponent range had no floor.
    const tiny = Math.abs(Math.fround(x * TININESS_SCALE)) < MIN_NORMAL_32 * TININESS_SCALE;
    fpStatus.raise(tiny ? FpFlag.NX | FpFlag.UF : FpFlag.NX);
    return r;
  }
  const tie = rm === RoundingMode.RMM && (d > 0) === (r > 0) && r - r === 0 && r !== 0 &&
    Math.abs(d) === (ulpAbove(r) * SPACING_32_PER_64) / 2;
  return accept32(r, d, tie, rm);
}

/** The exact sign of an exact zero sum x + y (IEEE 754 6.3): -0 only for -0 + -0, or when rounding down. */
function zeroSumSign(x: number, y: number, rm: RoundingMode): number {
  if (rm === RoundingMode.RDN) return Object.is(x, 0) && Object.is(y, 0) ? 0 : -0;
  return x + y;
}

/**
 * The exact sum x + y of two doubles rounded to binary32 in rm, or NaN. The
 * host sum s may itself be rounded; rounding s again to single is still
 * right unless s lies exactly on a midpoint between two singles (a midpoint
 * strictly between the exact sum and s would be a double nearer than s).
 * The side of the exact sum is that of s, or of the error when s is a single.
 */
export function roundSumToSingle(x: number, y: number, rm: RoundingMode): number {
  const s = x + y;
  if (s - s !== 0) return NaN;
  const err = twoSumError(x, y, s);
  if (err === 0) return s === 0 ? zeroSumSign(x, y, rm) : roundToSingle(s, rm);
  const r = Math.fround(s);
  if (r === s) return accept32(r, err, false, rm);
  // s is a midpoint iff its mirror image across s, 2s - r, is a single too
  // (computed exactly in that case; a spurious match only costs a fallback).
  // An exact tie needs err = 0, so none is possible here.
  const mirror = r + 2 * (s - r);
  if (Math.fround(mirror) === mirror) return NaN;
  return accept32(r, s - r, false, rm);
}

export function fastAdd32(a: number, b: number, rm: RoundingMode): number {
  // For two singles the host sum is never a midpoint case (53 >= 2*24 + 2),
  // but the general routine costs little more.
  return roundSumToSingle(a, b, rm);
}

export function fastSub32(a: number, b: number, rm: RoundingMode): number {
  return fastAdd32(a, -b, rm);
}

export function fastMul32(a: number, b: number, rm: RoundingMode): number {
  // 24-bit by 24-bit significands: the double product is exact (an infinite
  // operand gives an exact infinity, inf * 0 a NaN that falls back).
  return roundToSingle(a * b, rm);
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

/** Fused multiply-add: the product is exact in double, so this is one exact sum. */
export function fastMulAdd32(a: number, b: number, c: number, negProduct: boolean, negAddend: boolean, rm: RoundingMode): number {
  const p = negProduct ? -(a * b) : a * b;
  return roundSumToSingle(p, negAddend ? -c : c, rm);
}
