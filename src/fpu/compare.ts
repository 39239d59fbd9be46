// Operations that never round: comparisons, minimum/maximum, classification.
// They work on host doubles (a binary32 value widens to a double exactly)
// plus what the double cannot say: whether a NaN operand was signaling.

import { FpFlag } from './format.js';
import { fpStatus } from './status.js';

/** feq: quiet comparison, NV only for signaling NaN operands. */
export function fpEq(a: number, b: number, aSignaling: boolean, bSignaling: boolean): boolean {
  if (aSignaling || bSignaling) fpStatus.raise(FpFlag.NV);
  return a === b;
}

/** flt: signaling comparison, NV for any NaN operand. */
export function fpLt(a: number, b: number): boolean {
  if (a !== a || b !== b) {
    fpStatus.raise(FpFlag.NV);
    return false;
  }
  return a < b;
}

/** fle: signaling comparison, NV for any NaN operand. */
export function fpLe(a: number, b: number): boolean {
  if (a !== a || b !== b) {
    fpStatus.raise(FpFlag.NV);
    return false;
  }
  return a <= b;
}

/** Which operand min/max returns. */
export const enum MinMaxPick {
  A = 0,
  B = 1,
  DefaultNaN = 2,
}

/**
 * IEEE 754-2019 minimumNumber / maximumNumber as RISC-V defines fmin/fmax:
 * -0 < +0, a single NaN operand yields the other operand, two NaNs yield the
 * canonical NaN, and a signaling NaN operand raises NV.
 */
export function fpMinMax(a: number, b: number, aSignaling: boolean, bSignaling: boolean, isMax: boolean): MinMaxPick {
  if (aSignaling || bSignaling) fpStatus.raise(FpFlag.NV);
  const aNaN = a !== a, bNaN = b !== b;
  if (aNaN && bNaN) return MinMaxPick.DefaultNaN;
  if (aNaN) return MinMaxPick.B;
  if (bNaN) return MinMaxPick.A;
  if (a === b) {
    // Equal values differ only for zeros: max prefers +0, min prefers -0.
    const aNeg = 1 / a < 0 || a < 0;
    return aNeg === isMax ? MinMaxPick.B : MinMaxPick.A;
  }
  return (a < b) !== isMax ? MinMaxPick.A : MinMaxPick.B;
}

/** The RISC-V fclass bits. */
export const enum FClass {
  NegInfinity = 1 << 0,
  NegNormal = 1 << 1,
  NegSubnormal = 1 << 2,
  NegZero = 1 << 3,
  PosZero = 1 << 4,
  PosSubnormal = 1 << 5,
  PosNormal = 1 << 6,
  PosInfinity = 1 << 7,
  SignalingNaN = 1 << 8,
  QuietNaN = 1 << 9,
}

/** fclass of a binary32 encoding. */
export function classify32(bits: number): number {
  return classifyFields(bits >>> 31 !== 0, (bits >>> 23) & 0xff, 0xff, (bits & 0x7fffff) !== 0, (bits & 0x400000) !== 0);
}

/** fclass of a binary64 encoding given as two 32-bit words. */
export function classify64(hi: number, lo: number): number {
  const manNonZero = (hi & 0xfffff) !== 0 || lo !== 0;
  return classifyFields(hi >>> 31 !== 0, (hi >>> 20) & 0x7ff, 0x7ff, manNonZero, (hi & 0x80000) !== 0);
}

function classifyFields(neg: boolean, biased: number, maxBiased: number, manNonZero: boolean, quiet: boolean): number {
  if (biased === maxBiased) {
    if (manNonZero) return quiet ? FClass.QuietNaN : FClass.SignalingNaN;
    return neg ? FClass.NegInfinity : FClass.PosInfinity;
  }
  if (biased === 0) {
    if (!manNonZero) return neg ? FClass.NegZero : FClass.PosZero;
    return neg ? FClass.NegSubnormal : FClass.PosSubnormal;
  }
  return neg ? FClass.NegNormal : FClass.PosNormal;
}
