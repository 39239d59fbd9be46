// The exact software path, part 2: arithmetic. Each operation handles the
// special operands (NaN, infinity, zero) by the IEEE 754 / RISC-V rules, then
// forms the exact result with bigints and rounds it once (roundPack).
// Flags accumulate in fpStatus.

import { FloatFormat, FpFlag, RoundingMode } from './format.js';
import { fpStatus } from './status.js';
import {
  bitLength, FpClass, isNaNClass, nanResult, roundPack, signedInfinity, signedZero, unpack, Unpacked,
} from './soft-pack.js';

/** The sign of an exact zero sum of opposite-signed terms: -0 only when rounding down. */
function exactZeroSign(rm: RoundingMode): boolean {
  return rm === RoundingMode.RDN;
}

/** Exact sum of two finite nonzero-or-zero values, rounded. Zero signs follow IEEE 754 6.3. */
function addFinite(a: Unpacked, b: Unpacked, rm: RoundingMode, f: FloatFormat): bigint {
  if (a.cls === FpClass.Zero && b.cls === FpClass.Zero) {
    return signedZero(a.sign === b.sign ? a.sign : exactZeroSign(rm), f);
  }
  if (a.cls === FpClass.Zero) return roundPack(b.sign, b.sig, b.exp, false, rm, f);
  if (b.cls === FpClass.Zero) return roundPack(a.sign, a.sig, a.exp, false, rm, f);
  const e = Math.min(a.exp, b.exp);
  const sa = a.sig << BigInt(a.exp - e);
  const sb = b.sig << BigInt(b.exp - e);
  const sum = (a.sign ? -sa : sa) + (b.sign ? -sb : sb);
  if (sum === 0n) return signedZero(exactZeroSign(rm), f);
  return sum < 0n ? roundPack(true, -sum, e, false, rm, f) : roundPack(false, sum, e, false, rm, f);
}

export function softAdd(aBits: bigint, bBits: bigint, rm: RoundingMode, f: FloatFormat): bigint {
  const a = unpack(aBits, f), b = unpack(bBits, f);
  if (isNaNClass(a.cls) || isNaNClass(b.cls)) return nanResult(f, a, b);
  if (a.cls === FpClass.Infinity || b.cls === FpClass.Infinity) {
    if (a.cls === FpClass.Infinity && b.cls === FpClass.Infinity && a.sign !== b.sign) {
      fpStatus.raise(FpFlag.NV);
      return f.defaultNaN;
    }
    return signedInfinity(a.cls === FpClass.Infinity ? a.sign : b.sign, f);
  }
  return addFinite(a, b, rm, f);
}

export function softSub(aBits: bigint, bBits: bigint, rm: RoundingMode, f: FloatFormat): bigint {
  const b = unpack(bBits, f);
  // Negating a NaN is harmless here: NaN results are canonical anyway.
  return softAdd(aBits, bBits ^ (isNaNClass(b.cls) ? 0n : f.signBit), rm, f);
}

export function softMul(aBits: bigint, bBits: bigint, rm: RoundingMode, f: FloatFormat): bigint {
  const a = unpack(aBits, f), b = unpack(bBits, f);
  if (isNaNClass(a.cls) || isNaNClass(b.cls)) return nanResult(f, a, b);
  const sign = a.sign !== b.sign;
  if (a.cls === FpClass.Infinity || b.cls === FpClass.Infinity) {
    if (a.cls === FpClass.Zero || b.cls === FpClass.Zero) {
      fpStatus.raise(FpFlag.NV);
      return f.defaultNaN;
    }
    return signedInfinity(sign, f);
  }
  if (a.cls === FpClass.Zero || b.cls === FpClass.Zero) return signedZero(sign, f);
  return roundPack(sign, a.sig * b.sig, a.exp + b.exp, false, rm, f);
}

export function softDiv(aBits: bigint, bBits: bigint, rm: RoundingMode, f: FloatFormat): bigint {
  const a = unpack(aBits, f), b = unpack(bBits, f);
  if (isNaNClass(a.cls) || isNaNClass(b.cls)) return nanResult(f, a, b);
  const sign = a.sign !== b.sign;
  if (a.cls === FpClass.Infinity) {
    if (b.cls === FpClass.Infinity) {
      fpStatus.raise(FpFlag.NV);
      return f.defaultNaN;
    }
    return signedInfinity(sign, f);
  }
  if (b.cls === FpClass.Infinity) return signedZero(sign, f);
  if (b.cls === FpClass.Zero) {
    if (a.cls === FpClass.Zero) {
      fpStatus.raise(FpFlag.NV);
      return f.defaultNaN;
    }
    fpStatus.raise(FpFlag.DZ);
    return signedInfinity(sign, f);
  }
  if (a.cls === FpClass.Zero) return signedZero(sign, f);
  // Scale the dividend so the quotient has precision + 3 bits or more; the
  // remainder then only decides the sticky bit.
  const shift = Math.max(0, f.precision + 3 + bitLength(b.sig) - bitLength(a.sig));
  const num = a.sig << BigInt(shift);
  const q = num / b.sig;
  const sticky = q * b.sig !== num;
  return roundPack(sign, q, a.exp - b.exp - shift, sticky, rm, f);
}

/** floor(sqrt(n)) for n >= 0, by Newton's iteration from an over-estimate. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function softSqrt(aBits: bigint, rm: RoundingMode, f: FloatFormat): bigint {
  const a = unpack(aBits, f);
  if (isNaNClass(a.cls)) return nanResult(f, a);
  if (a.cls === FpClass.Zero) return aBits;
  if (a.sign) {
    fpStatus.raise(FpFlag.NV);
    return f.defaultNaN;
  }
  if (a.cls === FpClass.Infinity) return aBits;
  let sig = a.sig, exp = a.exp;
  if (exp & 1) {
    sig <<= 1n;
    exp -= 1;
  }
  // Widen (by an even shift) so the root has precision + 3 bits or more.
  const want = 2 * (f.precision + 3);
  const k = Math.max(0, Math.ceil((want - bitLength(sig)) / 2));
  const m = sig << BigInt(2 * k);
  const root = isqrt(m);
  return roundPack(false, root, (exp - 2 * k) / 2, root * root !== m, rm, f);
}

/**
 * Fused multiply-add with one rounding: (-1)^negProduct * a*b + (-1)^negAddend * c.
 * fmadd: (false,false); fmsub: (false,true); fnmsub: (true,false); fnmadd: (true,true).
 */
export function softMulAdd(
  aBits: bigint, bBits: bigint, cBits: bigint, negProduct: boolean, negAddend: boolean, rm: RoundingMode, f: FloatFormat,
): bigint {
  const a = unpack(aBits, f), b = unpack(bBits, f), c = unpack(cBits, f);
  const infTimesZero =
    (a.cls === FpClass.Infinity && b.cls === FpClass.Zero) || (a.cls === FpClass.Zero && b.cls === FpClass.Infinity);
  if (isNaNClass(a.cls) || isNaNClass(b.cls) || isNaNClass(c.cls)) {
    // RISC-V: inf * 0 is invalid even when the addend is a quiet NaN.
    if (infTimesZero) fpStatus.raise(FpFlag.NV);
    return nanResult(f, a, b, c);
  }
  if (infTimesZero) {
    fpStatus.raise(FpFlag.NV);
    return f.defaultNaN;
  }
  const pSign = (a.sign !== b.sign) !== negProduct;
  const cSign = c.sign !== negAddend;
  const productInf = a.cls === FpClass.Infinity || b.cls === FpClass.Infinity;
  if (productInf) {
    if (c.cls === FpClass.Infinity && cSign !== pSign) {
      fpStatus.raise(FpFlag.NV);
      return f.defaultNaN;
    }
    return signedInfinity(pSign, f);
  }
  if (c.cls === FpClass.Infinity) return signedInfinity(cSign, f);
  const productZero = a.cls === FpClass.Zero || b.cls === FpClass.Zero;
  const product: Unpacked = productZero
    ? { cls: FpClass.Zero, sign: pSign, sig: 0n, exp: 0 }
    : { cls: FpClass.Normal, sign: pSign, sig: a.sig * b.sig, exp: a.exp + b.exp };
  const addend: Unpacked = { cls: c.cls, sign: cSign, sig: c.sig, exp: c.exp };
  return addFinite(product, addend, rm, f);
}
