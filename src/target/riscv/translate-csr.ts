// Zicsr: the user-level CSRs (fflags, frm, fcsr, cycle, time, instret).
//
// Each CSR is a read generator and, unless read-only, a write generator.
// csrrs/csrrc with rs1 = x0 (and the immediate forms with 0) do not write, so
// they may read read-only CSRs; csrrw always writes. An unknown CSR, or a write
// to a read-only one, is an illegal instruction (the translate function
// returns false).

import { Temp } from '../../ir/types.js';
import { MemOp } from '../../memory/memop.js';
import { Rv } from './cpu-layout.js';
import { TransFn } from './decode-spec.js';
import { DisasContext, JmpKind } from './translate-context.js';

export interface CsrDef {
  readonly name: string;
  read(ctx: DisasContext, d: Temp): void;
  write?(ctx: DisasContext, v: Temp): void;
  /** The write changes translation state (TB flags): end the TB after it. */
  readonly endsTb?: boolean;
  /** Reading needs to be the TB's last instruction (the counters: see counter()). */
  readonly readEndsTb?: boolean;
}

export const CsrNum = {
  FFLAGS: 0x001,
  FRM: 0x002,
  FCSR: 0x003,
  CYCLE: 0xc00,
  TIME: 0xc01,
  INSTRET: 0xc02,
} as const;

const FFLAGS_MASK = 0x1f;
const FRM_MASK = 0x7;
const FRM_SHIFT = 5;

function storeMasked(ctx: DisasContext, v: Temp, shift: number, mask: number, offset: number): void {
  const t = ctx.tmp();
  ctx.b.bini('shr', t, v, shift);
  ctx.b.bini('and', t, t, mask);
  ctx.b.st(t, offset, MemOp.S32);
}

/**
 * cycle, time, instret, read through a helper. The tiers add a TB's whole
 * icount to Cpu.INSN_COUNT on entering it, so the read ends its TB: then
 * exactly one instruction counted there (the read itself) has not retired yet.
 */
const INSNS_COUNTED_NOT_RETIRED = 1;

function counter(name: string, csr: number): CsrDef {
  return {
    name,
    readEndsTb: true,
    read: (ctx, d) => ctx.b.call(ctx.helper('read_counter'), [d], [ctx.c32(csr), ctx.c32(INSNS_COUNTED_NOT_RETIRED)]),
  };
}

export const USER_CSRS: ReadonlyMap<number, CsrDef> = new Map<number, CsrDef>([
  [CsrNum.FFLAGS, {
    name: 'fflags',
    read: (ctx, d) => ctx.b.ld(d, Rv.FFLAGS, MemOp.S32),
    write: (ctx, v) => storeMasked(ctx, v, 0, FFLAGS_MASK, Rv.FFLAGS),
  }],
  [CsrNum.FRM, {
    name: 'frm',
    read: (ctx, d) => ctx.b.ld(d, Rv.FRM, MemOp.S32),
    write: (ctx, v) => storeMasked(ctx, v, 0, FRM_MASK, Rv.FRM),
  }],
  [CsrNum.FCSR, {
    name: 'fcsr',
    read: (ctx, d) => {
      const flags = ctx.tmp(), mode = ctx.tmp();
      ctx.b.ld(flags, Rv.FFLAGS, MemOp.S32);
      ctx.b.ld(mode, Rv.FRM, MemOp.S32);
      ctx.b.bini('shl', mode, mode, FRM_SHIFT);
      ctx.b.or(d, mode, flags);
    },
    write: (ctx, v) => {
      storeMasked(ctx, v, 0, FFLAGS_MASK, Rv.FFLAGS);
      storeMasked(ctx, v, FRM_SHIFT, FRM_MASK, Rv.FRM);
    },
  }],
  [CsrNum.CYCLE, counter('cycle', CsrNum.CYCLE)],
  [CsrNum.TIME, counter('time', CsrNum.TIME)],
  [CsrNum.INSTRET, counter('instret', CsrNum.INSTRET)],
]);

export type CsrOpKind = 'w' | 's' | 'c';

export function transCsr(kind: CsrOpKind, immediate: boolean): TransFn {
  return (ctx, a) => {
    const def = ctx.csrs.get(a.csr);
    if (!def) return false;
    const writes = kind === 'w' || (immediate ? a.imm !== 0 : a.rs1 !== 0);
    if (writes && !def.write) return false;
    // csrrw with rd = x0 does not read (no read side effects).
    const reads = kind !== 'w' || a.rd !== 0;
    const src = immediate ? ctx.c64(a.imm) : ctx.gpr(a.rs1);
    const old = ctx.tmp();
    if (reads) {
      def.read(ctx, old);
      if (def.readEndsTb) ctx.jmp = JmpKind.EndTb;
    }
    if (writes) {
      let value = src;
      if (kind !== 'w') {
        value = ctx.tmp();
        ctx.b.bin(kind === 's' ? 'or' : 'andc', value, old, src);
      }
      def.write!(ctx, value);
      if (def.endsTb) ctx.jmp = JmpKind.Lookup;
    }
    // rd last: it may be rs1, which the write above has consumed.
    if (reads) ctx.setGpr(a.rd, old);
    return true;
  };
}

/** The CSR's name for the disassembler, or its number in hex. */
export function csrName(csr: number, csrs: ReadonlyMap<number, CsrDef> = USER_CSRS): string {
  return csrs.get(csr)?.name ?? `0x${csr.toString(16)}`;
}
