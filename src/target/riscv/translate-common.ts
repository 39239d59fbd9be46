// Shared generators the translate functions are built from (QEMU's gen_arith,
// gen_shift, gen_load, gen_store, gen_branch). Each returns a TransFn, so the
// decode tables read as one line per instruction.

import { Cond, Temp } from '../../ir/types.js';
import { MemOp } from '../../memory/memop.js';
import { InsnArgs, TransFn } from './decode-spec.js';
import { DisasContext, JmpKind } from './translate-context.js';

/** Binary ops the builder simplifies as it emits. */
export type BinName = 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'andc' | 'orc' | 'eqv' | 'nand' | 'nor'
  | 'shl' | 'shr' | 'sar' | 'rotl' | 'rotr' | 'div' | 'divu' | 'rem' | 'remu';

/** A computation d = f(x, y) on i64 temps; d may alias x or y, so multi-step bodies write d last. */
export type Gen64 = (ctx: DisasContext, d: Temp, x: Temp, y: Temp) => void;

/** rd = rs1 OP rs2. Writes to x0 are dropped, and these ops cannot fault. */
export function arith(op: BinName): TransFn {
  return (ctx, a) => {
    if (a.rd !== 0) ctx.b.bin(op, ctx.dest(a.rd), ctx.gpr(a.rs1), ctx.gpr(a.rs2));
    return true;
  };
}

/** rd = rs1 OP imm (shift amounts arrive in imm too). */
export function arithImm(op: BinName): TransFn {
  // li and friends (addi/ori/xori from x0) are the constant itself.
  const identityOnZero = op === 'add' || op === 'or' || op === 'xor';
  return (ctx, a) => {
    if (a.rd === 0) return true;
    if (a.rs1 === 0 && identityOnZero) ctx.setGpr(a.rd, ctx.c64(a.imm));
    else ctx.b.bini(op, ctx.dest(a.rd), ctx.gpr(a.rs1), a.imm);
    return true;
  };
}

/** rd = gen(rs1, rs2) for computations longer than one op. */
export function arithGen(gen: Gen64): TransFn {
  return (ctx, a) => {
    if (a.rd !== 0) gen(ctx, ctx.dest(a.rd), ctx.gpr(a.rs1), ctx.gpr(a.rs2));
    return true;
  };
}

/** rd = gen(rs1, imm). */
export function arithGenImm(gen: Gen64): TransFn {
  return (ctx, a) => {
    if (a.rd !== 0) gen(ctx, ctx.dest(a.rd), ctx.gpr(a.rs1), ctx.c64(a.imm));
    return true;
  };
}

/** rd = gen(rs1) (the rs2 field is part of the opcode). */
export function unaryGen(gen: (ctx: DisasContext, d: Temp, x: Temp) => void): TransFn {
  return (ctx, a) => {
    if (a.rd !== 0) gen(ctx, ctx.dest(a.rd), ctx.gpr(a.rs1));
    return true;
  };
}

/** RV64 W forms: compute in 64 bits, then sign-extend the low 32 bits into rd. */
export function arithW(op: BinName, useImm = false): TransFn {
  return (ctx, a) => {
    if (a.rd === 0) return true;
    const t = ctx.tmp();
    ctx.b.bin(op, t, ctx.gpr(a.rs1), useImm ? ctx.c64(a.imm) : ctx.gpr(a.rs2));
    ctx.b.ext32s(ctx.dest(a.rd), t);
    return true;
  };
}

/**
 * W forms whose result depends on the operands' low 32 bits only through a
 * 32-bit op (shifts mod 32, 32-bit division, rotates): run the i32 op and
 * sign-extend the result.
 */
export function arith32(op: BinName, useImm = false): TransFn {
  return (ctx, a) => {
    if (a.rd === 0) return true;
    const x = ctx.tmp32(), y = useImm ? ctx.c32(a.imm) : ctx.tmp32(), r = ctx.tmp32();
    ctx.b.extrlI64I32(x, ctx.gpr(a.rs1));
    if (!useImm) ctx.b.extrlI64I32(y, ctx.gpr(a.rs2));
    ctx.b.bin(op, r, x, y);
    ctx.b.extI32I64(ctx.dest(a.rd), r);
    return true;
  };
}

/** rd = (rs1 cond rs2) ? 1 : 0, or against imm. */
export function setcond(cond: Cond, useImm = false): TransFn {
  return (ctx, a) => {
    if (a.rd !== 0) ctx.b.setcond(cond, ctx.dest(a.rd), ctx.gpr(a.rs1), useImm ? ctx.c64(a.imm) : ctx.gpr(a.rs2));
    return true;
  };
}

export function load(memop: number): TransFn {
  return (ctx, a) => {
    ctx.b.qemuLd(ctx.dest(a.rd), ctx.address(a.rs1, a.imm), memop, ctx.mmuIdx);
    return true;
  };
}

export function store(memop: number): TransFn {
  return (ctx, a) => {
    ctx.b.qemuSt(ctx.gpr(a.rs2), ctx.address(a.rs1, a.imm), memop, ctx.mmuIdx);
    return true;
  };
}

/** Conditional branch: slot 1 falls through, slot 0 is taken. */
export function branch(cond: Cond): TransFn {
  return (ctx, a) => {
    const taken = ctx.b.newLabel();
    ctx.b.brcond(cond, ctx.gpr(a.rs1), ctx.gpr(a.rs2), taken);
    ctx.gotoTbNext(1);
    ctx.b.setLabel(taken);
    ctx.gotoTbRel(0, a.imm);
    ctx.jmp = JmpKind.NoReturn;
    return true;
  };
}

export const MO = {
  UB: MemOp.S8,
  SB: MemOp.S8 | MemOp.SIGN,
  UH: MemOp.S16,
  SH: MemOp.S16 | MemOp.SIGN,
  UW: MemOp.S32,
  SW: MemOp.S32 | MemOp.SIGN,
  Q: MemOp.S64,
} as const;

export type { InsnArgs };
