// The RISC-V F and D extensions' helpers (QEMU's target/riscv/fpu_helper.c
// in role): the translator emits a call per FP instruction; each helper
// reads its operands from the HELPER_ARGS slots, computes with src/fpu, ORs
// the flags into fflags and writes the result to HELPER_RET.
//
// Values are raw 64-bit register images. Single-precision operands are
// NaN-boxed: an operand whose upper word is not all ones reads as the
// canonical NaN; single results are written boxed.
//
// Every arithmetic helper tries the host fast path first (operands not NaN;
// fused multiply-add only in roundTiesToEven) and falls back to the exact
// bigint path; see src/fpu.

import { HelperFlag, HelperTable } from '../../exec/helpers.js';
import { GUEST_EXCEPTION } from '../../exec/exception.js';
import { Type } from '../../ir/types.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { BINARY32, BINARY64, DEFAULT_NAN_32, DEFAULT_NAN_64_HI, FloatFormat, FpFlag, RoundingMode } from '../../fpu/format.js';
import { fpStatus } from '../../fpu/status.js';
import { softAdd, softDiv, softMul, softMulAdd, softSqrt, softSub } from '../../fpu/soft-arith.js';
import { softConvert, softFromInt } from '../../fpu/soft-convert.js';
import { fastAdd32, fastDiv32, fastMul32, fastMulAdd32, fastSqrt32, fastSub32 } from '../../fpu/fast32.js';
import { fastAdd64, fastDiv64, fastMul64, fastMulAdd64, fastSqrt64, fastSub64 } from '../../fpu/fast64.js';
import { floatToInt, IntKind, integerToDouble, integerToSingle, narrowToSingle } from '../../fpu/fast-convert.js';
import { classify32, classify64, fpEq, fpLe, fpLt, fpMinMax, MinMaxPick } from '../../fpu/compare.js';
import { Excp, Rv } from './cpu-layout.js';

const ARG_BYTE = CPU_BASE + Cpu.HELPER_ARGS;
const RET_BYTE = CPU_BASE + Cpu.HELPER_RET;
/** Word (u32/i32/f32) and double (f64) indices of argument slot 0 and the result slot. */
const ARG_W = ARG_BYTE >> 2;
const ARG_D = ARG_BYTE >> 3;
const RET_W = RET_BYTE >> 2;
const RET_D = RET_BYTE >> 3;
const FFLAGS_W = (CPU_BASE + Rv.FFLAGS) >> 2;
const FRM_W = (CPU_BASE + Rv.FRM) >> 2;
/** The rm field value meaning "use frm". */
const RM_DYNAMIC = 7;
const BOX_HI = 0xffffffff;
const TWO_32 = 4294967296;

type BinFast = (a: number, b: number, rm: RoundingMode) => number;
type BinSoft = (a: bigint, b: bigint, rm: RoundingMode, f: FloatFormat) => bigint;

export function registerFpHelpers(helpers: HelperTable, mem: LinearMemory): void {
  // ---- operand access -------------------------------------------------

  /** The effective rounding mode from the rm argument in slot `slot`; reserved modes are illegal instructions. */
  function roundingMode(slot: number): RoundingMode {
    const i32 = mem.i32;
    let rm = i32[ARG_W + 2 * slot]!;
    if (rm === RM_DYNAMIC) rm = i32[FRM_W]!;
    if (rm >>> 0 > RoundingMode.RMM) {
      i32[(CPU_BASE + Cpu.EXCEPTION) >> 2] = Excp.ILLEGAL_INSN;
      mem.u32[(CPU_BASE + Cpu.EXCEPTION_VALUE) >> 2] = 0;
      mem.u32[((CPU_BASE + Cpu.EXCEPTION_VALUE) >> 2) + 1] = 0;
      throw GUEST_EXCEPTION;
    }
    return rm as RoundingMode;
  }

  function begin(): void {
    fpStatus.flags = 0;
  }

  function commitFlags(): void {
    if (fpStatus.flags !== 0) mem.i32[FFLAGS_W] |= fpStatus.flags;
  }

  /** A single operand's value as a host double (the canonical NaN when not boxed). */
  function single(slot: number): number {
    return mem.u32[ARG_W + 2 * slot + 1] === BOX_HI ? mem.f32[ARG_W + 2 * slot]! : NaN;
  }

  /** A single operand's bits after unboxing. */
  function singleBits(slot: number): number {
    const u32 = mem.u32;
    return u32[ARG_W + 2 * slot + 1] === BOX_HI ? u32[ARG_W + 2 * slot]! : DEFAULT_NAN_32;
  }

  function singleSignaling(slot: number): boolean {
    const b = singleBits(slot);
    return (b & 0x7fc00000) === 0x7f800000 && (b & 0x3fffff) !== 0;
  }

  function doubleBig(slot: number): bigint {
    return mem.dv.getBigUint64(ARG_BYTE + 8 * slot, true);
  }

  function doubleSignaling(slot: number): boolean {
    const hi = mem.u32[ARG_W + 2 * slot + 1]!, lo = mem.u32[ARG_W + 2 * slot]!;
    return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) !== 0 || lo !== 0);
  }

  // ---- results ---------------------------------------------------------

  function returnSingle(value: number): void {
    mem.f32[RET_W] = value;
    mem.u32[RET_W + 1] = BOX_HI;
  }

  function returnSingleBits(bits: bigint | number): void {
    mem.u32[RET_W] = Number(bits);
    mem.u32[RET_W + 1] = BOX_HI;
  }

  function returnDouble(value: number): void {
    mem.f64[RET_D] = value;
  }

  function returnDoubleBits(bits: bigint): void {
    mem.dv.setBigUint64(RET_BYTE, bits, true);
  }

  function returnWords(hi: number, lo: number): void {
    mem.u32[RET_W] = lo;
    mem.u32[RET_W + 1] = hi;
  }

  function returnDefaultNaN64(): void {
    returnWords(DEFAULT_NAN_64_HI, 0);
  }

  /** An integral double (or ±Infinity for the type's limits, see floatToInt) as a register value. */
  function returnInteger(r: number, kind: IntKind): void {
    if (kind === IntKind.I32 || kind === IntKind.U32) {
      // RISC-V sign-extends every 32-bit result, fcvt.wu's included.
      let lo: number;
      if (r === Infinity) lo = kind === IntKind.I32 ? 0x7fffffff : -1;
      else if (r === -Infinity) lo = kind === IntKind.I32 ? -0x80000000 : 0;
      else lo = r | 0;
      returnWords(lo >> 31, lo);
      return;
    }
    if (r === Infinity) returnWords(kind === IntKind.I64 ? 0x7fffffff : 0xffffffff, 0xffffffff);
    else if (r === -Infinity) returnWords(kind === IntKind.I64 ? 0x80000000 : 0, 0);
    else {
      const hi = Math.floor(r / TWO_32);
      returnWords(hi, r - hi * TWO_32);
    }
  }

  function def(name: string, args: Type[], takesRm: boolean, fn: () => void): void {
    const flags = takesRm
      ? HelperFlag.MAY_RAISE | HelperFlag.NO_WRITE_GLOBALS
      : HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS;
    helpers.register({ name, args, ret: [Type.I64], flags, fn });
  }

  const BIN = [Type.I64, Type.I64, Type.I32];
  const UN = [Type.I64, Type.I32];
  const TERN = [Type.I64, Type.I64, Type.I64, Type.I32];
  const CMP = [Type.I64, Type.I64];

  // ---- arithmetic --------------------------------------------------------

  // A NaN operand decides the result alone (the canonical NaN), so the
  // helpers settle it without the exact path: NV for a signaling operand,
  // or (fused multiply-add) for inf * 0 even beside a quiet NaN addend.
  function nanOperands(invalid: boolean): void {
    if (invalid) fpStatus.raise(FpFlag.NV);
  }

  function infTimesZero(a: number, b: number): boolean {
    return (a === 0 && (b === Infinity || b === -Infinity)) || (b === 0 && (a === Infinity || a === -Infinity));
  }

  function binary32(fast: BinFast, soft: BinSoft): () => void {
    return () => {
      const rm = roundingMode(2);
      begin();
      const a = single(0), b = single(1);
      if (a !== a || b !== b) {
        nanOperands(singleSignaling(0) || singleSignaling(1));
        returnSingleBits(DEFAULT_NAN_32);
      } else {
        const r = fast(a, b, rm);
        if (r === r) returnSingle(r);
        else returnSingleBits(soft(BigInt(singleBits(0)), BigInt(singleBits(1)), rm, BINARY32));
      }
      commitFlags();
    };
  }

  function binary64(fast: BinFast, soft: BinSoft): () => void {
    return () => {
      const rm = roundingMode(2);
      begin();
      const a = mem.f64[ARG_D]!, b = mem.f64[ARG_D + 1]!;
      if (a !== a || b !== b) {
        nanOperands(doubleSignaling(0) || doubleSignaling(1));
        returnDefaultNaN64();
      } else {
        const r = fast(a, b, rm);
        if (r === r) returnDouble(r);
        else returnDoubleBits(soft(doubleBig(0), doubleBig(1), rm, BINARY64));
      }
      commitFlags();
    };
  }

  def('fadd_s', BIN, true, binary32(fastAdd32, softAdd));
  def('fsub_s', BIN, true, binary32(fastSub32, softSub));
  def('fmul_s', BIN, true, binary32(fastMul32, softMul));
  def('fdiv_s', BIN, true, binary32(fastDiv32, softDiv));
  def('fadd_d', BIN, true, binary64(fastAdd64, softAdd));
  def('fsub_d', BIN, true, binary64(fastSub64, softSub));
  def('fmul_d', BIN, true, binary64(fastMul64, softMul));
  def('fdiv_d', BIN, true, binary64(fastDiv64, softDiv));

  def('fsqrt_s', UN, true, () => {
    const rm = roundingMode(1);
    begin();
    const a = single(0);
    if (a !== a) {
      nanOperands(singleSignaling(0));
      returnSingleBits(DEFAULT_NAN_32);
    } else {
      const r = fastSqrt32(a, rm);
      if (r === r) returnSingle(r);
      else returnSingleBits(softSqrt(BigInt(singleBits(0)), rm, BINARY32));
    }
    commitFlags();
  });
  def('fsqrt_d', UN, true, () => {
    const rm = roundingMode(1);
    begin();
    const a = mem.f64[ARG_D]!;
    if (a !== a) {
      nanOperands(doubleSignaling(0));
      returnDefaultNaN64();
    } else {
      const r = fastSqrt64(a, rm);
      if (r === r) returnDouble(r);
      else returnDoubleBits(softSqrt(doubleBig(0), rm, BINARY64));
    }
    commitFlags();
  });

  function mulAdd32(negProduct: boolean, negAddend: boolean): () => void {
    return () => {
      const rm = roundingMode(3);
      begin();
      const a = single(0), b = single(1), c = single(2);
      if (a !== a || b !== b || c !== c) {
        nanOperands(singleSignaling(0) || singleSignaling(1) || singleSignaling(2) || infTimesZero(a, b));
        returnSingleBits(DEFAULT_NAN_32);
      } else {
        const r = fastMulAdd32(a, b, c, negProduct, negAddend, rm);
        if (r === r) returnSingle(r);
        else {
          const [x, y, z] = [BigInt(singleBits(0)), BigInt(singleBits(1)), BigInt(singleBits(2))];
          returnSingleBits(softMulAdd(x, y, z, negProduct, negAddend, rm, BINARY32));
        }
      }
      commitFlags();
    };
  }

  function mulAdd64(negProduct: boolean, negAddend: boolean): () => void {
    return () => {
      const rm = roundingMode(3);
      begin();
      const f64 = mem.f64;
      const a = f64[ARG_D]!, b = f64[ARG_D + 1]!, c = f64[ARG_D + 2]!;
      if (a !== a || b !== b || c !== c) {
        nanOperands(doubleSignaling(0) || doubleSignaling(1) || doubleSignaling(2) || infTimesZero(a, b));
        returnDefaultNaN64();
      } else {
        const r = fastMulAdd64(a, b, c, negProduct, negAddend, rm);
        if (r === r) returnDouble(r);
        else returnDoubleBits(softMulAdd(doubleBig(0), doubleBig(1), doubleBig(2), negProduct, negAddend, rm, BINARY64));
      }
      commitFlags();
    };
  }

  def('fmadd_s', TERN, true, mulAdd32(false, false));
  def('fmsub_s', TERN, true, mulAdd32(false, true));
  def('fnmsub_s', TERN, true, mulAdd32(true, false));
  def('fnmadd_s', TERN, true, mulAdd32(true, true));
  def('fmadd_d', TERN, true, mulAdd64(false, false));
  def('fmsub_d', TERN, true, mulAdd64(false, true));
  def('fnmsub_d', TERN, true, mulAdd64(true, false));
  def('fnmadd_d', TERN, true, mulAdd64(true, true));

  // ---- min/max, comparisons, classify (never round, never raise) ---------

  function minMax32(isMax: boolean): () => void {
    return () => {
      begin();
      const pick = fpMinMax(single(0), single(1), singleSignaling(0), singleSignaling(1), isMax);
      returnSingleBits(pick === MinMaxPick.DefaultNaN ? DEFAULT_NAN_32 : singleBits(pick));
      commitFlags();
    };
  }

  function minMax64(isMax: boolean): () => void {
    return () => {
      begin();
      const pick = fpMinMax(mem.f64[ARG_D]!, mem.f64[ARG_D + 1]!, doubleSignaling(0), doubleSignaling(1), isMax);
      if (pick === MinMaxPick.DefaultNaN) returnDefaultNaN64();
      else returnWords(mem.u32[ARG_W + 2 * pick + 1]!, mem.u32[ARG_W + 2 * pick]!);
      commitFlags();
    };
  }

  def('fmin_s', BIN, false, minMax32(false));
  def('fmax_s', BIN, false, minMax32(true));
  def('fmin_d', BIN, false, minMax64(false));
  def('fmax_d', BIN, false, minMax64(true));

  function returnBool(v: boolean): void {
    returnWords(0, v ? 1 : 0);
  }

  def('feq_s', CMP, false, () => {
    begin();
    returnBool(fpEq(single(0), single(1), singleSignaling(0), singleSignaling(1)));
    commitFlags();
  });
  def('flt_s', CMP, false, () => {
    begin();
    returnBool(fpLt(single(0), single(1)));
    commitFlags();
  });
  def('fle_s', CMP, false, () => {
    begin();
    returnBool(fpLe(single(0), single(1)));
    commitFlags();
  });
  def('feq_d', CMP, false, () => {
    begin();
    returnBool(fpEq(mem.f64[ARG_D]!, mem.f64[ARG_D + 1]!, doubleSignaling(0), doubleSignaling(1)));
    commitFlags();
  });
  def('flt_d', CMP, false, () => {
    begin();
    returnBool(fpLt(mem.f64[ARG_D]!, mem.f64[ARG_D + 1]!));
    commitFlags();
  });
  def('fle_d', CMP, false, () => {
    begin();
    returnBool(fpLe(mem.f64[ARG_D]!, mem.f64[ARG_D + 1]!));
    commitFlags();
  });
  def('fclass_s', [Type.I64], false, () => {
    returnWords(0, classify32(singleBits(0)));
  });
  def('fclass_d', [Type.I64], false, () => {
    returnWords(0, classify64(mem.u32[ARG_W + 1]!, mem.u32[ARG_W]!));
  });

  // ---- float -> integer (host path only: exact in every rounding mode) ---

  function toInt(read: () => number, kind: IntKind): () => void {
    return () => {
      const rm = roundingMode(1);
      begin();
      returnInteger(floatToInt(read(), rm, kind), kind);
      commitFlags();
    };
  }
  const readSingle = (): number => single(0);
  const readDouble = (): number => mem.f64[ARG_D]!;

  def('fcvt_w_s', UN, true, toInt(readSingle, IntKind.I32));
  def('fcvt_wu_s', UN, true, toInt(readSingle, IntKind.U32));
  def('fcvt_l_s', UN, true, toInt(readSingle, IntKind.I64));
  def('fcvt_lu_s', UN, true, toInt(readSingle, IntKind.U64));
  def('fcvt_w_d', UN, true, toInt(readDouble, IntKind.I32));
  def('fcvt_wu_d', UN, true, toInt(readDouble, IntKind.U32));
  def('fcvt_l_d', UN, true, toInt(readDouble, IntKind.I64));
  def('fcvt_lu_d', UN, true, toInt(readDouble, IntKind.U64));

  // ---- integer -> float --------------------------------------------------

  /** The weight-2^32 part of the integer argument, as the type reads it (its low word is read separately). */
  function integerHigh(kind: IntKind): number {
    switch (kind) {
      case IntKind.I32: return mem.i32[ARG_W]! < 0 ? -1 : 0;
      case IntKind.U32: return 0;
      case IntKind.I64: return mem.i32[ARG_W + 1]!;
      case IntKind.U64: return mem.u32[ARG_W + 1]!;
    }
  }

  function integerArgBig(kind: IntKind): bigint {
    const v = mem.dv.getBigUint64(ARG_BYTE, true);
    switch (kind) {
      case IntKind.I32: return BigInt.asIntN(32, v);
      case IntKind.U32: return BigInt.asUintN(32, v);
      case IntKind.I64: return BigInt.asIntN(64, v);
      case IntKind.U64: return v;
    }
  }

  function fromIntToSingle(kind: IntKind): () => void {
    return () => {
      const rm = roundingMode(1);
      begin();
      const r = integerToSingle(integerHigh(kind), mem.u32[ARG_W]!, rm);
      if (r === r) returnSingle(r);
      else returnSingleBits(softFromInt(integerArgBig(kind), rm, BINARY32));
      commitFlags();
    };
  }

  function fromIntToDouble(kind: IntKind): () => void {
    return () => {
      const rm = roundingMode(1);
      begin();
      const r = integerToDouble(integerHigh(kind), mem.u32[ARG_W]!, rm);
      if (r === r) returnDouble(r);
      else returnDoubleBits(softFromInt(integerArgBig(kind), rm, BINARY64));
      commitFlags();
    };
  }

  def('fcvt_s_w', UN, true, fromIntToSingle(IntKind.I32));
  def('fcvt_s_wu', UN, true, fromIntToSingle(IntKind.U32));
  def('fcvt_s_l', UN, true, fromIntToSingle(IntKind.I64));
  def('fcvt_s_lu', UN, true, fromIntToSingle(IntKind.U64));
  def('fcvt_d_w', UN, true, fromIntToDouble(IntKind.I32));
  def('fcvt_d_wu', UN, true, fromIntToDouble(IntKind.U32));
  def('fcvt_d_l', UN, true, fromIntToDouble(IntKind.I64));
  def('fcvt_d_lu', UN, true, fromIntToDouble(IntKind.U64));

  // ---- between formats ---------------------------------------------------

  def('fcvt_s_d', UN, true, () => {
    const rm = roundingMode(1);
    begin();
    const a = mem.f64[ARG_D]!;
    if (a !== a) {
      nanOperands(doubleSignaling(0));
      returnSingleBits(DEFAULT_NAN_32);
    } else {
      const r = narrowToSingle(a, rm);
      if (r === r) returnSingle(r);
      else returnSingleBits(softConvert(doubleBig(0), rm, BINARY64, BINARY32));
    }
    commitFlags();
  });
  def('fcvt_d_s', UN, true, () => {
    roundingMode(1);
    begin();
    const a = single(0);
    if (a === a) returnDouble(a);
    else {
      nanOperands(singleSignaling(0));
      returnDefaultNaN64();
    }
    commitFlags();
  });
}

/** Names of every helper registerFpHelpers defines (for the frontend's tests). */
export const FP_HELPER_NAMES: readonly string[] = [
  'fadd_s', 'fsub_s', 'fmul_s', 'fdiv_s', 'fadd_d', 'fsub_d', 'fmul_d', 'fdiv_d',
  'fsqrt_s', 'fsqrt_d',
  'fmadd_s', 'fmsub_s', 'fnmsub_s', 'fnmadd_s', 'fmadd_d', 'fmsub_d', 'fnmsub_d', 'fnmadd_d',
  'fmin_s', 'fmax_s', 'fmin_d', 'fmax_d',
  'feq_s', 'flt_s', 'fle_s', 'feq_d', 'flt_d', 'fle_d', 'fclass_s', 'fclass_d',
  'fcvt_w_s', 'fcvt_wu_s', 'fcvt_l_s', 'fcvt_lu_s', 'fcvt_w_d', 'fcvt_wu_d', 'fcvt_l_d', 'fcvt_lu_d',
  'fcvt_s_w', 'fcvt_s_wu', 'fcvt_s_l', 'fcvt_s_lu', 'fcvt_d_w', 'fcvt_d_wu', 'fcvt_d_l', 'fcvt_d_lu',
  'fcvt_s_d', 'fcvt_d_s',
];
