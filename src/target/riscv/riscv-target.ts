// The RISC-V 64 guest: plugs the decoder and translate functions into the
// core through GuestTarget, and maps memory faults to RISC-V exceptions.

import { CodeFetcher, GuestTarget, TranslateResult } from '../../exec/target.js';
import { HelperTable } from '../../exec/helpers.js';
import { IRBuilder } from '../../ir/builder.js';
import { CPU_BASE } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { Access, FaultKind, FaultRaiser } from '../../memory/softmmu-api.js';
import { PAGE_SIZE } from '../../memory/tlb-layout.js';
import { Excp, G_PC, RV_GLOBALS, Rv } from './cpu-layout.js';
import { RiscvDecoder, USER_DECODER, insnLength } from './decoder.js';
import { InsnArgs, InsnPattern } from './decode-spec.js';
import { emptyArgs } from './decode-formats.js';
import { disassembleInsn } from './disasm.js';
import { registerFpHelpers } from './fp-helpers.js';
import { raiseGuestException, registerRiscvHelpers } from './rv-helpers.js';
import { CsrDef, USER_CSRS } from './translate-csr.js';
import { DisasContext, JmpKind } from './translate-context.js';

export interface RiscvTargetOptions {
  /** Data and code MMU index; default: the privilege level from the TB flags. */
  mmuIdx?: number;
  /** CSRs beyond the user-level ones (system mode adds its own). */
  csrs?: ReadonlyMap<number, CsrDef>;
  /** Instructions beyond the user-level ISA (system mode: mret, sret, wfi, sfence.vma). */
  extraPatterns?: readonly InsnPattern[];
  /** System mode: TB flags, MMU indices, the FP gate and access faults (src/target/riscv/system/). */
  system?: RiscvSystemHooks;
}

/**
 * What system mode adds to translation. The TB flags it computes must keep
 * the privilege level in bits 1:0.
 */
export interface RiscvSystemHooks {
  tbFlags(): number;
  codeMmuIdx(flags: number): number;
  /** MMU index of loads and stores (differs from the code index under MPRV and SUM). */
  dataMmuIdx(flags: number): number;
  /**
   * Called before translating an instruction that uses f registers (its
   * pattern has fpRegs): false makes it illegal (mstatus.FS is Off); may emit
   * code (marking FS Dirty).
   */
  fpGuard(ctx: DisasContext): boolean;
  /** The last failed page translation was an access fault (no memory, PMP), not a page fault. */
  lastFaultIsAccessFault(): boolean;
}

/** TB flags: bits 1:0 hold the privilege level. */
const TB_FLAG_PRIV_MASK = 0x3;

function splitPc(pc: bigint): [number, number] {
  const u = BigInt.asUintN(64, pc);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
}

/** Fetch the instruction at pc: 16 bits, or 32 when the low bits say so. */
function fetchInsn(fetch: CodeFetcher, pc: bigint): number {
  const [lo, hi] = splitPc(pc);
  const first = fetch.fetch16(lo, hi);
  if (insnLength(first) === 2) return first;
  const [lo2, hi2] = splitPc(pc + 2n);
  return (first | (fetch.fetch16(lo2, hi2) << 16)) >>> 0;
}

/** The high half of (hi:lo) + offset, for 0 <= offset < 2^32 (the low half is (lo + offset) | 0). */
function carryHi(lo: number, hi: number, offset: number): number {
  return (lo >>> 0) + offset >= 4294967296 ? (hi + 1) | 0 : hi;
}

export class RiscvTarget implements GuestTarget, FaultRaiser {
  readonly name = 'riscv64';
  readonly globals = RV_GLOBALS;
  readonly helpers = new HelperTable();
  private readonly csrs: ReadonlyMap<number, CsrDef>;
  private readonly mmuIdxOverride: number | undefined;
  private readonly system: RiscvSystemHooks | undefined;
  readonly decoder: RiscvDecoder;
  /** The operands of the instruction being translated (refilled per instruction, read synchronously). */
  private readonly args: InsnArgs = emptyArgs();

  constructor(readonly mem: LinearMemory, options: RiscvTargetOptions = {}) {
    this.mmuIdxOverride = options.mmuIdx;
    this.system = options.system;
    this.csrs = options.csrs ? new Map([...USER_CSRS, ...options.csrs]) : USER_CSRS;
    this.decoder = options.extraPatterns ? USER_DECODER.extend(options.extraPatterns) : USER_DECODER;
    registerRiscvHelpers(this.helpers, mem);
    registerFpHelpers(this.helpers, mem);
  }

  tbFlags(): number {
    if (this.system) return this.system.tbFlags();
    return this.mem.i32[(CPU_BASE + Rv.PRIV) >> 2]! & TB_FLAG_PRIV_MASK;
  }

  codeMmuIdx(flags: number): number {
    if (this.system) return this.system.codeMmuIdx(flags);
    return this.mmuIdxOverride ?? (flags & TB_FLAG_PRIV_MASK);
  }

  /** The MMU index of loads and stores under TB flags `flags`. */
  dataMmuIdx(flags: number): number {
    return this.system ? this.system.dataMmuIdx(flags) : this.codeMmuIdx(flags);
  }

  translate(b: IRBuilder, pcLo: number, pcHi: number, flags: number, fetch: CodeFetcher, maxInsns: number): TranslateResult {
    // The pc is kept as int32 halves plus the byte count translated so far
    // (no BigInt: this runs for every instruction of every TB).
    const ctx = new DisasContext(b, this.helpers, this.dataMmuIdx(flags), flags & TB_FLAG_PRIV_MASK, this.csrs);
    ctx.tbFlags = flags;
    const system = this.system;
    const args = this.args;
    const pageOff = pcLo & (PAGE_SIZE - 1);
    let size = 0;
    let icount = 0;
    let lo = pcLo | 0, hi = pcHi | 0;
    for (;;) {
      const first = fetch.fetch16(lo, hi);
      const length = insnLength(first);
      // An instruction straddling the page end must start its own TB: fetching
      // its second half may fault, and that must not happen after earlier
      // instructions of this TB were translated (they have not run yet).
      if (icount > 0 && length === 4 && pageOff + size === PAGE_SIZE - 2) break;
      b.insnStartPair(lo, hi);
      const insn = length === 2 ? first : (first | (fetch.fetch16((lo + 2) | 0, carryHi(lo, hi, 2)) << 16)) >>> 0;
      ctx.pcLo = lo; ctx.pcHi = hi;
      ctx.insn = insn;
      ctx.nextLo = (lo + length) | 0; ctx.nextHi = carryHi(lo, hi, length);
      const pattern = this.decoder.decodeInto(insn, args);
      if (pattern === null
        || (system !== undefined && pattern.fpRegs !== undefined && !system.fpGuard(ctx))
        || !pattern.trans(ctx, args)) ctx.illegal();
      icount++;
      // The next pc is whatever the instruction left in ctx (its own length, as a rule).
      size = (ctx.nextLo - pcLo) >>> 0;
      lo = ctx.nextLo; hi = ctx.nextHi;
      if (ctx.jmp !== JmpKind.Next) break;
      if (icount >= maxInsns || pageOff + size >= PAGE_SIZE) break;
    }
    const endsTb = ctx.jmp !== JmpKind.Next;
    if (ctx.jmp === JmpKind.Next || ctx.jmp === JmpKind.EndTb) {
      b.mov(b.global(G_PC), b.const64Pair(lo, hi));
      b.gotoTb(0);
    } else if (ctx.jmp === JmpKind.Lookup) {
      b.mov(b.global(G_PC), b.const64Pair(lo, hi));
      b.gotoPtr();
    }
    return { icount, size, endsTb };
  }

  disassemble(pc: bigint, fetch: CodeFetcher): { text: string; length: number } {
    const insn = fetchInsn(fetch, pc);
    return { text: disassembleInsn(insn, pc, this.csrs, this.decoder), length: insnLength(insn & 0xffff) };
  }

  raiseMemFault(access: Access, fault: FaultKind, vaddrLo: number, vaddrHi: number): never {
    const amoFlag = (CPU_BASE + Rv.AMO_IN_PROGRESS) >> 2;
    if (this.mem.i32[amoFlag] !== 0) {
      this.mem.i32[amoFlag] = 0;
      if (access === Access.Read) access = Access.Write;
    }
    let cause: number;
    if (fault !== FaultKind.Misaligned && this.system?.lastFaultIsAccessFault()) {
      cause = access === Access.Fetch ? Excp.INSN_ACCESS : access === Access.Write ? Excp.STORE_ACCESS : Excp.LOAD_ACCESS;
    } else if (access === Access.Fetch) cause = fault === FaultKind.Misaligned ? Excp.INSN_MISALIGNED : Excp.INSN_PAGE_FAULT;
    else if (access === Access.Write) cause = fault === FaultKind.Misaligned ? Excp.STORE_MISALIGNED : Excp.STORE_PAGE_FAULT;
    else cause = fault === FaultKind.Misaligned ? Excp.LOAD_MISALIGNED : Excp.LOAD_PAGE_FAULT;
    raiseGuestException(this.mem, cause, vaddrLo, vaddrHi);
  }
}
