// Host-double conversions. Rounding to an integral value is exact on the
// host in every rounding mode (the fraction x - trunc(x) is exact), so
// float -> integer never needs the software path; integer -> float and
// narrowing do, outside the cases decided here. NaN results mean "fall back".

import { FpFlag, MIN_NORMAL_32, RoundingMode } from './format.js';
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

/** An exact integer (|v| <= 2^53) -> binary32, or NaN when only the exact path can round it. */
export function intToFloat32(v: number, rm: RoundingMode): number {
  const r = Math.fround(v);
  if (r === v) return r;
  if (rm !== RoundingMode.RNE) return NaN;
  fpStatus.raise(FpFlag.NX);
  return r;
}

/** binary64 (host double, not NaN) -> binary32, or NaN to fall back. */
export function narrowToFloat32(x: number, rm: RoundingMode): number {
  const r = Math.fround(x);
  if (r === x) return r;
  if (rm !== RoundingMode.RNE || r - r !== 0 || Math.abs(r) <= MIN_NORMAL_32) return NaN;
  fpStatus.raise(FpFlag.NX);
  return r;
}
