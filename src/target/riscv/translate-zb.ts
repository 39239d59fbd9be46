// Generators for Zba, Zbb and Zbs that take more than one IR op.

import { Cond, Temp } from '../../ir/types.js';
import { BinName, Gen64 } from './translate-common.js';
import { DisasContext } from './translate-context.js';

/** sh{n}add: d = (x << n) + y; with `uw`, x is zero-extended from 32 bits first. */
export function genShAdd(shift: number, uw: boolean): Gen64 {
  return (ctx, d, x, y) => {
    const t = ctx.tmp();
    if (uw) ctx.b.ext32u(t, x); else ctx.b.mov(t, x);
    ctx.b.bini('shl', t, t, shift);
    ctx.b.add(d, t, y);
  };
}

/** slli.uw: the zero-extended word shifted left (y is the shift amount). */
export const genSlliUw: Gen64 = (ctx, d, x, y) => {
  const t = ctx.tmp();
  ctx.b.ext32u(t, x);
  ctx.b.bin('shl', d, t, y);
};

export function genMinMax(cond: Cond): Gen64 {
  return (ctx, d, x, y) => ctx.b.movcond(cond, d, x, y, x, y);
}

/** Single-bit ops: the bit is y mod 64; `op` combines x with the one-hot mask. */
export function genBitOp(op: 'andc' | 'or' | 'xor'): Gen64 {
  return (ctx, d, x, y) => {
    const bit = ctx.tmp();
    ctx.b.bin('shl', bit, ctx.c64(1), y);
    ctx.b.bin(op, d, x, bit);
  };
}

export const genBext: Gen64 = (ctx, d, x, y) => {
  const t = ctx.tmp();
  ctx.b.bin('shr', t, x, y);
  ctx.b.bini('and', d, t, 1);
};

type UnName = 'clz' | 'ctz' | 'ctpop' | 'ext8s' | 'ext16s' | 'ext16u';

export function genUnary(op: UnName): (ctx: DisasContext, d: Temp, x: Temp) => void {
  return (ctx, d, x) => ctx.b.un(op, d, x);
}

/** clzw/ctzw/cpopw: the i32 op on the low word (its result is small, so zero-extension is exact). */
export function genUnaryW(op: 'clz' | 'ctz' | 'ctpop'): (ctx: DisasContext, d: Temp, x: Temp) => void {
  return (ctx, d, x) => {
    const w = ctx.tmp32(), r = ctx.tmp32();
    ctx.b.extrlI64I32(w, x);
    ctx.b.un(op, r, w);
    ctx.b.extuI32I64(d, r);
  };
}

export const genRev8 = (ctx: DisasContext, d: Temp, x: Temp): void => ctx.b.bswap64(d, x);

const LOW7_OF_EACH_BYTE = 0x7f7f7f7f7f7f7f7fn;
const LOW_BIT_OF_EACH_BYTE = 0x0101010101010101n;

/**
 * orc.b: each byte becomes 0xff if non-zero, else 0x00. Adding 0x7f to a
 * byte's low 7 bits sets its top bit exactly when those bits are non-zero and
 * never carries into the next byte; or-ing in the byte itself covers 0x80.
 * The top bits, moved to bit 0 of each byte and multiplied by 0xff, fill the bytes.
 */
export const genOrcB = (ctx: DisasContext, d: Temp, x: Temp): void => {
  const b = ctx.b, t = ctx.tmp();
  b.bini('and', t, x, LOW7_OF_EACH_BYTE);
  b.bini('add', t, t, LOW7_OF_EACH_BYTE);
  b.or(t, t, x);
  b.bini('shr', t, t, 7);
  b.bini('and', t, t, LOW_BIT_OF_EACH_BYTE);
  b.bini('mul', d, t, 0xff);
};

export type { BinName };
