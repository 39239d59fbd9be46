// The privileged instructions system mode adds to the decoder (QEMU's
// trans_privileged.c.inc): mret, sret, wfi and sfence.vma. Their checks
// depend on run-time state (privilege, TSR, TW, TVM), so each calls a helper
// (system-helpers.ts) that raises illegal instruction when they fail.

import { G_PC } from '../cpu-layout.js';
import { Fmt, InsnPattern, TransFn, pat } from '../decode-spec.js';
import { JmpKind } from '../translate-context.js';
import { RV_EXIT_WFI } from './hart.js';

/**
 * mret / sret: the helper changes privilege and mstatus (storing the new TB
 * flags) and returns xepc; goto_ptr looks the target up under the new flags.
 */
function transXret(helper: string): TransFn {
  return (ctx) => {
    const target = ctx.tmp();
    ctx.b.call(ctx.helper(helper), [target], [ctx.c32(ctx.insn | 0)]);
    ctx.b.mov(ctx.b.global(G_PC), target);
    ctx.b.gotoPtr();
    ctx.jmp = JmpKind.NoReturn;
    return true;
  };
}

/** wfi: after the check, leave the loop at the next instruction so the board can idle the host. */
const transWfi: TransFn = (ctx) => {
  ctx.b.call(ctx.helper('sys_wfi'), [], [ctx.c32(ctx.insn | 0)]);
  ctx.b.mov(ctx.b.global(G_PC), ctx.c64(BigInt.asUintN(64, ctx.nextPc)));
  ctx.b.exitTb(RV_EXIT_WFI);
  ctx.jmp = JmpKind.NoReturn;
  return true;
};

/** sfence.vma rs1, rs2: flush (one page when rs1 != x0); the ASID in rs2 is not used (every ASID is flushed). */
const transSfenceVma: TransFn = (ctx, a) => {
  const hasAddr = a.rs1 !== 0;
  ctx.b.call(ctx.helper('sys_sfence_vma'), [], [ctx.c32(ctx.insn | 0), hasAddr ? ctx.gpr(a.rs1) : ctx.c64(0), ctx.c32(hasAddr ? 1 : 0)]);
  // The mapping of the following instructions may have changed.
  ctx.jmp = JmpKind.Lookup;
  return true;
};

export const PRIV_PATTERNS: readonly InsnPattern[] = [
  pat('mret',       '0011000 00010 00000 000 00000 1110011', Fmt.None, transXret('sys_mret')),
  pat('sret',       '0001000 00010 00000 000 00000 1110011', Fmt.None, transXret('sys_sret')),
  pat('wfi',        '0001000 00101 00000 000 00000 1110011', Fmt.None, transWfi),
  pat('sfence.vma', '0001001 ----- ----- 000 00000 1110011', Fmt.R, transSfenceVma),
];
