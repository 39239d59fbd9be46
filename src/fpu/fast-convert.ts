// Host-double conversions. Rounding to an integral value is exact on the
// host in every rounding mode (the fraction x - trunc(x) is exact), so
// float -> integer never needs the software path. Integer -> float and
// narrowing are exact sums or values rounded once; NaN results mean "fall back".

import { FpFlag, RoundingMode } from './format.js';
import { roundSumToSingle, roundToSingle } from './fast32.js';
import { fastAdd64 } from './fast64.js';
import { fpStatus } from './status.js';

/** Doubles at or above 2^52 in magnitude are already integers. */
const INTEGRAL_THRESHOLD = 2 ** 52;

/** x rounded to an integral value in direction rm (x finite or infinite, not NaN). */
export function roundToIntegral(x: number, rm: RoundingMode): number {
  if (!(Math.abs(x) < INTEGRAL_THRESHOLD)) return x;
  switch (rm) {
    case RoundingMode.RTZ: return Math.trunc(x);
    case RoundingMode.RDN: return Math.floor(x);
    case RoundingMode.RUP: return Math.ceil(x);
    default: {
      const t = Math.trunc(x);
      const frac = Math.abs(x - t);
      if (frac > 0.5 || (frac === 0.5 && (rm === RoundingMode.RMM || t % 2 !== 0))) return x < 0 ? t - 1 : t + 1;
      return t;
    }
  }
}

/** Integer destination types: their range as [min, limit) with limit exclusive, all exact doubles. */
export const enum IntKind {
  I32 = 0,
  U32 = 1,
  I64 = 2,
  U64 = 3,
}

const INT_MIN = [-(2 ** 31), 0, -(2 ** 63), 0];
const INT_LIMIT = [2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64];

/**
 * Float (as a host double, NaN allowed) -> integer with RISC-V saturation.
 * Returns the integral result, or +Infinity for "the type's maximum" and
 * -Infinity for "the type's minimum" (NV raised), since 2^63 - 1 and
 * 2^64 - 1 have no double.
 */
export function floatToInt(x: number, rm: RoundingMode, kind: IntKind): number {
  if (x !== x) {
    fpStatus.raise(FpFlag.NV);
    return Infinity;
  }
  const r = roundToIntegral(x, rm);
  if (r < INT_MIN[kind]!) {
    fpStatus.raise(FpFlag.NV);
    return -Infinity;
  }
  if (r >= INT_LIMIT[kind]!) {
    fpStatus.raise(FpFlag.NV);
    return Infinity;
  }
  if (r !== x) fpStatus.raise(FpFlag.NX);
  return r === 0 ? 0 : r;
}

/** 2^32: the weight of an integer register's high word. */
const TWO_32 = 4294967296;

/**
 * An integer given as high-word value (signed or unsigned, as the type says)
 * and unsigned low word -> binary32, or NaN to fall back. Both parts are
 * exact doubles, so this is one exact sum rounded once.
 */
export function integerToSingle(hi: number, lo: number, rm: RoundingMode): number {
  return roundSumToSingle(hi * TWO_32, lo, rm);
}

/** The same -> binary64. */
export function integerToDouble(hi: number, lo: number, rm: RoundingMode): number {
  return fastAdd64(hi * TWO_32, lo, rm);
}

/** binary64 (host double, not NaN) -> binary32, or NaN to fall back. */
export function narrowToSingle(x: number, rm: RoundingMode): number {
  return roundToSingle(x, rm);
}
