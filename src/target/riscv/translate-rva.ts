// RV64A: LR/SC and the AMOs.
//
// There is one vCPU thread per memory at a time (DESIGN.md), so an AMO is a
// plain load, op and store. LR records the address and the loaded value in the
// reservation globals; SC succeeds only if the address matches and memory still
// holds that value (compare-and-swap, as QEMU does it). Every access carries
// MemOp.ALIGN: misaligned LR raises load-misaligned, SC and AMOs raise
// store/AMO-misaligned (checked explicitly first, because their load part
// would otherwise report a load fault).

import { Cond, Temp } from '../../ir/types.js';
import { MemOp } from '../../memory/memop.js';
import { Excp, G_LOAD_RES, G_LOAD_VAL, Rv } from './cpu-layout.js';
import { TransFn } from './decode-spec.js';
import { DisasContext } from './translate-context.js';
import { MO } from './translate-common.js';

/** The value an AMO stores, from the old memory value and rs2 (sign-extended loads for .w). */
export type AmoOp = (ctx: DisasContext, d: Temp, old: Temp, src: Temp, word: boolean) => void;

function memopFor(word: boolean): number {
  return (word ? MO.SW : MO.Q) | MemOp.ALIGN;
}

function genAlignCheck(ctx: DisasContext, addr: Temp, size: number, cause: number): void {
  const aligned = ctx.b.newLabel();
  const low = ctx.tmp();
  ctx.b.bini('and', low, addr, size - 1);
  ctx.b.brcond(Cond.EQ, low, ctx.c64(0), aligned);
  ctx.b.call(ctx.helper('raise_exception'), [], [ctx.c32(cause), addr]);
  ctx.b.setLabel(aligned);
}

export function transLr(word: boolean): TransFn {
  return (ctx, a) => {
    const addr = ctx.gpr(a.rs1);
    const value = ctx.tmp();
    ctx.b.qemuLd(value, addr, memopFor(word), ctx.mmuIdx);
    ctx.b.mov(ctx.b.global(G_LOAD_RES), addr);
    ctx.b.mov(ctx.b.global(G_LOAD_VAL), value);
    ctx.setGpr(a.rd, value);
    return true;
  };
}

export function transSc(word: boolean): TransFn {
  return (ctx, a) => {
    const b = ctx.b;
    const addr = ctx.gpr(a.rs1);
    const result = ctx.tmp(), current = ctx.tmp();
    const fail = b.newLabel(), done = b.newLabel();
    b.brcond(Cond.NE, b.global(G_LOAD_RES), addr, fail);
    b.qemuLd(current, addr, memopFor(word), ctx.mmuIdx);
    b.brcond(Cond.NE, current, b.global(G_LOAD_VAL), fail);
    b.qemuSt(ctx.gpr(a.rs2), addr, memopFor(word), ctx.mmuIdx);
    b.mov(result, ctx.c64(0));
    b.br(done);
    b.setLabel(fail);
    b.mov(result, ctx.c64(1));
    b.setLabel(done);
    // Any SC, successful or not, ends the reservation.
    b.mov(b.global(G_LOAD_RES), ctx.c64(-1));
    ctx.setGpr(a.rd, result);
    return true;
  };
}

export function transAmo(word: boolean, op: AmoOp | null): TransFn {
  return (ctx, a) => {
    const b = ctx.b;
    const addr = ctx.gpr(a.rs1), src = ctx.gpr(a.rs2);
    genAlignCheck(ctx, addr, word ? 4 : 8, Excp.STORE_MISALIGNED);
    const old = ctx.tmp();
    // An AMO faults as a store even when its load part finds the page missing.
    b.st(ctx.c32(1), Rv.AMO_IN_PROGRESS, MemOp.S32);
    b.qemuLd(old, addr, memopFor(word), ctx.mmuIdx);
    b.st(ctx.c32(0), Rv.AMO_IN_PROGRESS, MemOp.S32);
    let value = src;
    if (op) {
      value = ctx.tmp();
      op(ctx, value, old, src, word);
    }
    b.qemuSt(value, addr, memopFor(word), ctx.mmuIdx);
    ctx.setGpr(a.rd, old);
    return true;
  };
}

export const amoBin = (name: 'add' | 'xor' | 'and' | 'or'): AmoOp => (ctx, d, old, src) => ctx.b.bin(name, d, old, src);

/** min/max: signed compares see sign-extended words; unsigned compares zero-extended ones. */
export function amoMinMax(cond: Cond): AmoOp {
  const unsigned = cond === Cond.LTU || cond === Cond.GTU;
  return (ctx, d, old, src, word) => {
    let x = old, y = src;
    if (word) {
      x = ctx.tmp(); y = ctx.tmp();
      if (unsigned) { ctx.b.ext32u(x, old); ctx.b.ext32u(y, src); } else { ctx.b.mov(x, old); ctx.b.ext32s(y, src); }
    }
    ctx.b.movcond(cond, d, x, y, old, src);
  };
}
