// Error-free transformations on host doubles: they tell the fast paths
// whether a host result is exact, without leaving double arithmetic.
// Valid when no intermediate overflows or underflows; callers keep their
// operands in the ranges stated below.

/** Veltkamp's splitting constant 2^27 + 1: splits a double into two 26-bit halves. */
const SPLITTER = 134217729;

/**
 * Operands (and results) with magnitudes in [SAFE_MIN, SAFE_MAX] can be split
 * and multiplied half by half without overflow (SPLITTER * 2^800 is far below
 * 2^1024) and without the half-products (>= |a*b| * 2^-106) reaching the
 * subnormal range, so Dekker's product error below is exact.
 */
export const SAFE_MIN = 2 ** -800;
export const SAFE_MAX = 2 ** 800;

/** The rounding error of the host sum s = fl(a + b): a + b = s + twoSumError(a, b, s) exactly (Knuth's TwoSum). */
export function twoSumError(a: number, b: number, s: number): number {
  const bVirtual = s - a;
  const aVirtual = s - bVirtual;
  return (a - aVirtual) + (b - bVirtual);
}

/** The rounding error of the host product p = fl(a * b): a * b = p + twoProductError(a, b, p) exactly (Dekker). */
export function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const aHi = t - (t - a), aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b), bLo = b - bHi;
  return ((aHi * bHi - p) + aHi * bLo + aLo * bHi) + aLo * bLo;
}

/** True when |x| lies in [SAFE_MIN, SAFE_MAX] (false for NaN, zero, infinities). */
export function inSafeRange(x: number): boolean {
  const m = Math.abs(x);
  return m >= SAFE_MIN && m <= SAFE_MAX;
}

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
/** Index of the high (sign/exponent) word in scratchU32: typed arrays use host byte order. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/**
 * The spacing of doubles just above |x| (ulp away from zero), for normal x
 * with |x| >= 2^-969 so that the spacing itself is a normal double.
 */
export function ulpAbove(x: number): number {
  scratchF64[0] = x;
  const biased = (scratchU32[HI]! >>> 20) & 0x7ff;
  scratchU32[HI] = (biased - 52) << 20;
  scratchU32[LO] = 0;
  return scratchF64[0]!;
}

/** Whether |x| is a power of two (x normal): then the spacing below it is half the spacing above. */
export function isPowerOfTwo(x: number): boolean {
  scratchF64[0] = x;
  return (scratchU32[HI]! & 0xfffff) === 0 && scratchU32[LO] === 0;
}
