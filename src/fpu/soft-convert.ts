// The exact software path, part 3: conversions between formats and integers,
// with RISC-V's saturation for float -> integer:
//   NaN -> the largest value of the type; out of range (after rounding) -> the
//   nearest limit; both raise NV and never NX; in range but inexact -> NX.

import { FloatFormat, FpFlag, RoundingMode } from './format.js';
import { fpStatus } from './status.js';
import { FpClass, isNaNClass, nanResult, roundInteger, roundPack, signedInfinity, signedZero, unpack } from './soft-pack.js';

/** An integer type's range: the conversions saturate to these. */
export interface IntType {
  readonly min: bigint;
  readonly max: bigint;
}

export const INT32: IntType = { min: -(1n << 31n), max: (1n << 31n) - 1n };
export const UINT32: IntType = { min: 0n, max: (1n << 32n) - 1n };
export const INT64: IntType = { min: -(1n << 63n), max: (1n << 63n) - 1n };
export const UINT64: IntType = { min: 0n, max: (1n << 64n) - 1n };

/** Float -> integer, returned as a mathematical (signed) bigint within the type's range. */
export function softToInt(aBits: bigint, rm: RoundingMode, f: FloatFormat, t: IntType): bigint {
  const a = unpack(aBits, f);
  if (isNaNClass(a.cls)) {
    fpStatus.raise(FpFlag.NV);
    return t.max;
  }
  if (a.cls === FpClass.Infinity) {
    fpStatus.raise(FpFlag.NV);
    return a.sign ? t.min : t.max;
  }
  if (a.cls === FpClass.Zero) return 0n;
  const r = roundInteger(a.sig, -a.exp, false, rm, a.sign);
  const value = a.sign ? -r.q : r.q;
  if (value < t.min || value > t.max) {
    fpStatus.raise(FpFlag.NV);
    return a.sign ? t.min : t.max;
  }
  if (r.inexact) fpStatus.raise(FpFlag.NX);
  return value;
}

/** Integer (any bigint) -> float, rounded. Zero converts to +0. */
export function softFromInt(value: bigint, rm: RoundingMode, f: FloatFormat): bigint {
  if (value === 0n) return 0n;
  return value < 0n ? roundPack(true, -value, 0, false, rm, f) : roundPack(false, value, 0, false, rm, f);
}

/** Format conversion (binary32 <-> binary64), rounded when narrowing. */
export function softConvert(aBits: bigint, rm: RoundingMode, from: FloatFormat, to: FloatFormat): bigint {
  const a = unpack(aBits, from);
  if (isNaNClass(a.cls)) return nanResult(to, a);
  if (a.cls === FpClass.Infinity) return signedInfinity(a.sign, to);
  if (a.cls === FpClass.Zero) return signedZero(a.sign, to);
  return roundPack(a.sign, a.sig, a.exp, false, rm, to);
}
