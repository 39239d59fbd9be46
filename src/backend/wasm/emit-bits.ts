// Emitters for ops Wasm has no single instruction for: byte swaps, bit
// fields, division with RISC-V's total answers, double-width arithmetic.
// Scratch numbering: byte swaps use i32 #7 and i64 #7 only (they run inside
// the memory emitters, which use lower numbers); the double-width ops use
// i64 #0..#3 and never nest inside anything else.

import { Temp, Type } from '../../ir/types.js';
import { EmitContext, valType } from './emit-context.js';
import { Op, ValType } from './opcodes.js';

const BSWAP_I32 = 7;
const BSWAP_I64 = 7;

/** i32 on the stack -> its low 16 bits byte-swapped, zero-extended. */
export function emitBswap16OnStack(e: EmitContext): void {
  const s = e.scratch(ValType.I32, BSWAP_I32);
  e.w.localTee(s).i32Const(0xff).op(Op.i32_and).i32Const(8).op(Op.i32_shl);
  e.w.localGet(s).i32Const(8).op(Op.i32_shr_u).i32Const(0xff).op(Op.i32_and).op(Op.i32_or);
}

/** i32 on the stack -> byte-swapped: rotating by 8 either way puts every byte in place for half of them. */
export function emitBswap32OnStack(e: EmitContext): void {
  const s = e.scratch(ValType.I32, BSWAP_I32);
  e.w.localTee(s).i32Const(8).op(Op.i32_rotr).i32Const(0xff00ff00 | 0).op(Op.i32_and);
  e.w.localGet(s).i32Const(8).op(Op.i32_rotl).i32Const(0x00ff00ff).op(Op.i32_and).op(Op.i32_or);
}

/** i64 on the stack -> byte-swapped: swap the halves and byte-swap each. */
export function emitBswap64OnStack(e: EmitContext): void {
  const s = e.scratch(ValType.I64, BSWAP_I64);
  e.w.localTee(s).op(Op.i32_wrap_i64);
  emitBswap32OnStack(e);
  e.w.op(Op.i64_extend_i32_u).i64Const(32n).op(Op.i64_shl);
  e.w.localGet(s).i64Const(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  emitBswap32OnStack(e);
  e.w.op(Op.i64_extend_i32_u).op(Op.i64_or);
}

function widthOf(t: Type): number {
  return t === Type.I32 ? 32 : 64;
}

/** Push a constant of type t given as a bigint (any sign). */
export function pushConst(e: EmitContext, t: Type, v: bigint): void {
  if (t === Type.I32) e.w.i32Const(Number(BigInt.asIntN(32, v)));
  else e.w.i64Const(v);
}

const is64 = (t: Type): boolean => t === Type.I64;
const pick = (t: Type, op32: Op, op64: Op): Op => (is64(t) ? op64 : op32);

/** d = a with bits [pos, pos+len) replaced by the low len bits of b. */
export function emitDeposit(e: EmitContext, d: Temp, a: Temp, b: Temp, pos: number, len: number): void {
  const t = d.type;
  const bits = widthOf(t);
  const field = ((1n << BigInt(len)) - 1n) << BigInt(pos);
  const mask = BigInt.asUintN(bits, field);
  e.def(d, () => {
    e.get(a);
    pushConst(e, t, ~mask);
    e.w.op(pick(t, Op.i32_and, Op.i64_and));
    e.get(b);
    pushConst(e, t, BigInt(pos));
    e.w.op(pick(t, Op.i32_shl, Op.i64_shl));
    pushConst(e, t, mask);
    e.w.op(pick(t, Op.i32_and, Op.i64_and));
    e.w.op(pick(t, Op.i32_or, Op.i64_or));
  });
}

/** d = bits [pos, pos+len) of a, zero- or sign-extended. */
export function emitExtract(e: EmitContext, d: Temp, a: Temp, pos: number, len: number, signed: boolean): void {
  const t = d.type;
  const bits = widthOf(t);
  e.def(d, () => {
    e.get(a);
    if (signed) {
      // Move the field to the top, then shift it back down arithmetically.
      pushConst(e, t, BigInt(bits - pos - len));
      e.w.op(pick(t, Op.i32_shl, Op.i64_shl));
      pushConst(e, t, BigInt(bits - len));
      e.w.op(pick(t, Op.i32_shr_s, Op.i64_shr_s));
    } else {
      pushConst(e, t, BigInt(pos));
      e.w.op(pick(t, Op.i32_shr_u, Op.i64_shr_u));
      pushConst(e, t, BigInt.asUintN(bits, (1n << BigInt(len)) - 1n));
      e.w.op(pick(t, Op.i32_and, Op.i64_and));
    }
  });
}

/**
 * Division and remainder with the op table's total semantics. Wasm traps on
 * a zero divisor and on signed MIN / -1, so those cases take other arms:
 * x / -1 is -x (which wraps MIN to MIN) and x % -1 is 0. Both arms are
 * hinted unlikely (encoder.ts CodeWriter.hint).
 */
export function emitDivRem(e: EmitContext, d: Temp, a: Temp, b: Temp, kind: 'div' | 'divu' | 'rem' | 'remu'): void {
  const t = d.type;
  const vt = valType(t);
  const w = e.w;
  e.def(d, () => {
    e.get(b);
    w.op(pick(t, Op.i32_eqz, Op.i64_eqz)).hint(false).if_(vt);
    if (kind === 'div' || kind === 'divu') pushConst(e, t, -1n);
    else e.get(a);
    w.else_();
    if (kind === 'div' || kind === 'rem') {
      e.get(b);
      pushConst(e, t, -1n);
      w.op(pick(t, Op.i32_eq, Op.i64_eq)).hint(false).if_(vt);
      if (kind === 'div') {
        pushConst(e, t, 0n);
        e.get(a);
        w.op(pick(t, Op.i32_sub, Op.i64_sub));
      } else {
        pushConst(e, t, 0n);
      }
      w.else_();
      e.get(a);
      e.get(b);
      w.op(kind === 'div' ? pick(t, Op.i32_div_s, Op.i64_div_s) : pick(t, Op.i32_rem_s, Op.i64_rem_s));
      w.end();
    } else {
      e.get(a);
      e.get(b);
      w.op(kind === 'divu' ? pick(t, Op.i32_div_u, Op.i64_div_u) : pick(t, Op.i32_rem_u, Op.i64_rem_u));
    }
    w.end();
  });
}

/** (dl, dh) = (al, ah) +/- (bl, bh). Results go through scratch i64 #0, #1 so outputs may alias inputs. */
export function emitAddSub2(e: EmitContext, dl: Temp, dh: Temp, al: Temp, ah: Temp, bl: Temp, bh: Temp, sub: boolean): void {
  const w = e.w;
  const lo = e.scratch(ValType.I64, 0), hi = e.scratch(ValType.I64, 1);
  if (dl.type === Type.I32) {
    // Both halves fit in one i64: do the arithmetic there.
    const pair = (l: Temp, h: Temp): void => {
      e.get(l);
      w.op(Op.i64_extend_i32_u);
      e.get(h);
      w.op(Op.i64_extend_i32_u).i64Const(32n).op(Op.i64_shl).op(Op.i64_or);
    };
    pair(al, ah);
    pair(bl, bh);
    w.op(sub ? Op.i64_sub : Op.i64_add).localSet(lo);
    e.def(dl, () => w.localGet(lo).op(Op.i32_wrap_i64));
    e.def(dh, () => w.localGet(lo).i64Const(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64));
    return;
  }
  e.get(al);
  e.get(bl);
  w.op(sub ? Op.i64_sub : Op.i64_add).localSet(lo);
  e.get(ah);
  e.get(bh);
  w.op(sub ? Op.i64_sub : Op.i64_add);
  if (sub) {
    // borrow = al <u bl
    e.get(al);
    e.get(bl);
    w.op(Op.i64_lt_u).op(Op.i64_extend_i32_u).op(Op.i64_sub);
  } else {
    // carry = (al + bl) <u al
    w.localGet(lo);
    e.get(al);
    w.op(Op.i64_lt_u).op(Op.i64_extend_i32_u).op(Op.i64_add);
  }
  w.localSet(hi);
  e.def(dl, () => w.localGet(lo));
  e.def(dh, () => w.localGet(hi));
}

/**
 * (dl, dh) = full product of a and b. i32 uses one i64 multiply; i64 builds
 * the high half from four 32x32 partial products (Wasm has no mul-high), in
 * the order of Hacker's Delight's mulhu, where no partial sum can overflow:
 *   t  = a_hi*b_lo + (a_lo*b_lo >> 32)
 *   w1 = a_lo*b_hi + (t & 0xffffffff)
 *   hi = a_hi*b_hi + (t >> 32) + (w1 >> 32)
 * (16 operations; summing the four products' halves separately took 20).
 * Scratch i64: #0 a, #1 b, #2 t, #3 w1.
 */
export function emitMul2(e: EmitContext, dl: Temp, dh: Temp, a: Temp, b: Temp, signed: boolean): void {
  const w = e.w;
  const A = e.scratch(ValType.I64, 0), B = e.scratch(ValType.I64, 1);
  if (dl.type === Type.I32) {
    const ext = signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u;
    e.get(a);
    w.op(ext);
    e.get(b);
    w.op(ext).op(Op.i64_mul).localSet(A);
    e.def(dl, () => w.localGet(A).op(Op.i32_wrap_i64));
    e.def(dh, () => w.localGet(A).i64Const(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64));
    return;
  }
  const T = e.scratch(ValType.I64, 2), W1 = e.scratch(ValType.I64, 3);
  const M = 0xffffffffn;
  const lo32 = (x: number): void => void w.localGet(x).i64Const(M).op(Op.i64_and);
  const hi32 = (x: number): void => void w.localGet(x).i64Const(32n).op(Op.i64_shr_u);
  e.get(a);
  w.localSet(A);
  e.get(b);
  w.localSet(B);
  hi32(A); lo32(B); w.op(Op.i64_mul);
  lo32(A); lo32(B); w.op(Op.i64_mul).i64Const(32n).op(Op.i64_shr_u);
  w.op(Op.i64_add).localSet(T);
  lo32(A); hi32(B); w.op(Op.i64_mul);
  lo32(T); w.op(Op.i64_add).localSet(W1);
  hi32(A); hi32(B); w.op(Op.i64_mul);
  hi32(T); w.op(Op.i64_add);
  hi32(W1); w.op(Op.i64_add);
  if (signed) {
    // Signed high half = unsigned high half - (a < 0 ? b : 0) - (b < 0 ? a : 0).
    w.localGet(A).i64Const(63n).op(Op.i64_shr_s).localGet(B).op(Op.i64_and).op(Op.i64_sub);
    w.localGet(B).i64Const(63n).op(Op.i64_shr_s).localGet(A).op(Op.i64_and).op(Op.i64_sub);
  }
  // The high half goes to a scratch first: dl may be one of the operands.
  w.localSet(T);
  e.def(dl, () => w.localGet(A).localGet(B).op(Op.i64_mul));
  e.def(dh, () => w.localGet(T));
}
