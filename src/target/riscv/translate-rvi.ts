// RV64I instructions that are more than one shared generator: jumps, upper
// immediates, environment calls and fences.

import { G_PC, Excp } from './cpu-layout.js';
import { TransFn } from './decode-spec.js';
import { JmpKind } from './translate-context.js';

export const transLui: TransFn = (ctx, a) => {
  ctx.setGpr(a.rd, ctx.c64(a.imm));
  return true;
};

export const transAuipc: TransFn = (ctx, a) => {
  ctx.setGpr(a.rd, ctx.pcConst(a.imm));
  return true;
};

export const transJal: TransFn = (ctx, a) => {
  ctx.setGpr(a.rd, ctx.nextPcConst());
  ctx.gotoTbRel(0, a.imm);
  ctx.jmp = JmpKind.NoReturn;
  return true;
};

export const transJalr: TransFn = (ctx, a) => {
  // The target is computed before rd is written: rd may be rs1.
  const target = ctx.tmp();
  ctx.b.addi(target, ctx.gpr(a.rs1), a.imm);
  ctx.b.bini('and', target, target, -2);
  ctx.setGpr(a.rd, ctx.nextPcConst());
  ctx.b.mov(ctx.b.global(G_PC), target);
  ctx.b.gotoPtr();
  ctx.jmp = JmpKind.NoReturn;
  return true;
};

export const transEcall: TransFn = (ctx) => {
  // ECALL_U, ECALL_S and ECALL_M are 8 + the privilege level.
  ctx.raise(Excp.ECALL_U + ctx.priv, ctx.c64(0));
  return true;
};

export const transEbreak: TransFn = (ctx) => {
  ctx.raise(Excp.BREAKPOINT, ctx.pcConst(0));
  return true;
};

/** fence (and fence.tso, pause): one vCPU thread sees its own order, so a barrier marker is enough. */
export const transFence: TransFn = (ctx, a) => {
  ctx.b.mb(a.imm);
  return true;
};

/**
 * fence.i: stores to translated code already invalidated its TBs (the page's
 * write tag sends them to the slow path), so ending the TB is all that is left.
 */
export const transFenceI: TransFn = (ctx) => {
  ctx.jmp = JmpKind.Lookup;
  return true;
};
