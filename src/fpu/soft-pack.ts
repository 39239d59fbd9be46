// The exact software path, part 1: taking encodings apart and rounding an
// exact value into a format. Every soft operation computes its result exactly
// (bigint significands, no bound on width) and rounds once, here.
//
// Rounding follows IEEE 754 as RISC-V configures it: tininess is detected
// AFTER rounding (as if the exponent range were unbounded), and underflow is
// flagged only when the tiny result is also inexact.

import { FloatFormat, FpFlag, RoundingMode } from './format.js';
import { fpStatus } from './status.js';

export const enum FpClass {
  Zero = 0,
  Subnormal = 1,
  Normal = 2,
  Infinity = 3,
  QuietNaN = 4,
  SignalingNaN = 5,
}

/** An encoding taken apart: for finite values, value = (-1)^sign * sig * 2^exp. */
export interface Unpacked {
  cls: FpClass;
  sign: boolean;
  sig: bigint;
  exp: number;
}

export function unpack(bits: bigint, f: FloatFormat): Unpacked {
  const sign = (bits & f.signBit) !== 0n;
  const man = bits & f.manMask;
  const biased = Number((bits & f.expMask) >> BigInt(f.manBits));
  const maxBiased = (1 << f.expBits) - 1;
  if (biased === maxBiased) {
    if (man === 0n) return { cls: FpClass.Infinity, sign, sig: 0n, exp: 0 };
    const cls = (man & f.quietBit) !== 0n ? FpClass.QuietNaN : FpClass.SignalingNaN;
    return { cls, sign, sig: 0n, exp: 0 };
  }
  if (biased === 0) {
    if (man === 0n) return { cls: FpClass.Zero, sign, sig: 0n, exp: 0 };
    return { cls: FpClass.Subnormal, sign, sig: man, exp: f.emin - f.manBits };
  }
  return { cls: FpClass.Normal, sign, sig: man | (1n << BigInt(f.manBits)), exp: biased - f.bias - f.manBits };
}

export function isNaNClass(c: FpClass): boolean {
  return c === FpClass.QuietNaN || c === FpClass.SignalingNaN;
}

export function signedZero(sign: boolean, f: FloatFormat): bigint {
  return sign ? f.signBit : 0n;
}

export function signedInfinity(sign: boolean, f: FloatFormat): bigint {
  return sign ? f.signBit | f.infinity : f.infinity;
}

/**
 * The canonical NaN, raising NV if any operand was a signaling NaN.
 * RISC-V never propagates payloads, so every NaN result is this one.
 */
export function nanResult(f: FloatFormat, ...operands: Unpacked[]): bigint {
  for (const u of operands) if (u.cls === FpClass.SignalingNaN) fpStatus.raise(FpFlag.NV);
  return f.defaultNaN;
}

/** Bits in the leading hex digit 0..f. */
const HEX_DIGIT_BITS = [0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4];

/** Number of significant bits of x >= 0 (hex is a quarter of the binary string's length). */
export function bitLength(x: bigint): number {
  if (x < 0x100000000n) return x === 0n ? 0 : 32 - Math.clz32(Number(x));
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + HEX_DIGIT_BITS[parseInt(hex[0]!, 16)]!;
}

/** Result of roundInteger: the rounded magnitude and whether anything was lost. */
export interface Rounded {
  q: bigint;
  inexact: boolean;
}

/**
 * Round (sig + sticky·ε) / 2^drop to an integer in direction rm, where ε is
 * some value strictly between 0 and 1 when `sticky` (drop >= 1 then: the
 * sticky part must lie below the dropped bits). `sign` is the sign of the
 * whole value (directed modes depend on it).
 */
export function roundInteger(sig: bigint, drop: number, sticky: boolean, rm: RoundingMode, sign: boolean): Rounded {
  if (drop <= 0) {
    if (sticky) throw new Error('roundInteger: sticky bit without dropped bits');
    return { q: sig << BigInt(-drop), inexact: false };
  }
  const d = BigInt(drop);
  const q = sig >> d;
  const rem = sig & ((1n << d) - 1n);
  const half = 1n << (d - 1n);
  const inexact = rem !== 0n || sticky;
  let up = false;
  switch (rm) {
    case RoundingMode.RNE:
      up = rem > half || (rem === half && (sticky || (q & 1n) === 1n));
      break;
    case RoundingMode.RMM:
      up = rem >= half;
      break;
    case RoundingMode.RTZ:
      break;
    case RoundingMode.RDN:
      up = sign && inexact;
      break;
    case RoundingMode.RUP:
      up = !sign && inexact;
      break;
  }
  return { q: up ? q + 1n : q, inexact };
}

/** Enough bits below the result's last place that `sticky` can never touch rounding. */
const GUARD_BITS = 2;

/**
 * Round the exact nonzero value (-1)^sign * (sig + sticky·ε) * 2^exp into
 * format f, raise the flags, and return the encoding. Callers passing
 * sticky=true give at least precision + 2 significant bits in sig.
 */
export function roundPack(sign: boolean, sig: bigint, exp: number, sticky: boolean, rm: RoundingMode, f: FloatFormat): bigint {
  const len = bitLength(sig);
  if (len === 0) throw new Error('roundPack: zero significand');
  if (sticky && len < f.precision + GUARD_BITS) throw new Error('roundPack: too few bits with sticky');
  const p = f.precision;
  const topExp = exp + len - 1;
  // Bits to drop so the result keeps p bits, or fewer in the subnormal range,
  // where the last place is fixed at 2^(emin - manBits).
  const dropUnbounded = len - p;
  const drop = Math.max(dropUnbounded, f.emin - f.manBits - exp);

  let tiny = false;
  if (topExp < f.emin) {
    // Tininess after rounding: round to p bits with an unbounded exponent and
    // look at where the result lands.
    if (dropUnbounded <= 0) {
      tiny = true;
    } else {
      const u = roundInteger(sig, dropUnbounded, sticky, rm, sign);
      tiny = exp + dropUnbounded + bitLength(u.q) - 1 < f.emin;
    }
  }

  const r = drop > 0 ? roundInteger(sig, drop, sticky, rm, sign) : { q: sig << BigInt(-drop), inexact: sticky };
  let q = r.q;
  let lastPlaceExp = exp + drop;
  if (bitLength(q) > p) {
    q >>= 1n;
    lastPlaceExp++;
  }
  let flags = r.inexact ? FpFlag.NX : 0;
  if (tiny && r.inexact) flags |= FpFlag.UF;

  const resultExp = lastPlaceExp + bitLength(q) - 1;
  if (q !== 0n && resultExp > f.emax) {
    fpStatus.raise(FpFlag.OF | FpFlag.NX);
    return overflowResult(sign, rm, f);
  }
  fpStatus.raise(flags);
  const signBits = sign ? f.signBit : 0n;
  if (q === 0n) return signBits;
  if (bitLength(q) < p) return signBits | q; // subnormal: exponent field 0
  const biased = BigInt(resultExp + f.bias);
  return signBits | (biased << BigInt(f.manBits)) | (q & f.manMask);
}

/** Overflow: infinity, or the largest finite value when rounding away from it. */
function overflowResult(sign: boolean, rm: RoundingMode, f: FloatFormat): bigint {
  const toMax = rm === RoundingMode.RTZ || (rm === RoundingMode.RDN && !sign) || (rm === RoundingMode.RUP && sign);
  const mag = toMax ? f.maxFinite : f.infinity;
  return sign ? f.signBit | mag : mag;
}
