// Per-TB translation state and the small shared generators every translate
// function builds on (QEMU's DisasContext plus get_gpr/dest_gpr/gen_goto_tb).

import { IRBuilder } from '../../ir/builder.js';
import { ExitCode } from '../../ir/ops.js';
import { Temp, Type } from '../../ir/types.js';
import { HelperTable } from '../../exec/helpers.js';
import { Excp, G_PC, gF, gX } from './cpu-layout.js';
import type { CsrDef } from './translate-csr.js';

/** How the current instruction left the TB. */
export const enum JmpKind {
  /** Continue with the next instruction. */
  Next,
  /** The instruction already emitted the TB exit (branch, jump, exception). */
  NoReturn,
  /**
   * Translation state may have changed: store the next pc and leave by goto_ptr,
   * whose lookups compare the target's flags with the current ones (a helper that
   * changes them stores them to Cpu.TB_FLAGS).
   */
  Lookup,
  /** End the TB after this instruction, chaining to the next one as usual. */
  EndTb,
}

/** (hi:lo) + offset as int32 halves, in PAIR_LO / PAIR_HI (offset: a safe integer). */
let PAIR_LO = 0, PAIR_HI = 0;
function addPair(lo: number, hi: number, offset: number): void {
  const sum = (lo >>> 0) + offset;
  const carry = Math.floor(sum / 4294967296);
  PAIR_LO = sum | 0;
  PAIR_HI = (hi + carry) | 0;
}

/** The low and high 32-bit words of v mod 2^64 (the setters below are rare: privileged instructions). */
function bigIntToPair(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
}

function pairToBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export class DisasContext {
  /**
   * The pc of the instruction being translated and of the next one, as int32
   * halves: BigInt arithmetic allocates and this is updated for every
   * instruction translated, so the pc stays in numbers unless a translator
   * asks for the bigint (pc, nextPc).
   */
  pcLo = 0;
  pcHi = 0;
  nextLo = 0;
  nextHi = 0;
  /** Raw bits of the current instruction (16 or 32 bits). */
  insn = 0;
  jmp: JmpKind = JmpKind.Next;
  /** The TB flags this TB is translated under (system mode reads FS state from them). */
  tbFlags = 0;

  constructor(
    readonly b: IRBuilder,
    readonly helpers: HelperTable,
    /** MMU index for data accesses. */
    readonly mmuIdx: number,
    /** Privilege level (0 U, 1 S, 3 M). */
    readonly priv: number,
    /** The CSRs this machine implements. */
    readonly csrs: ReadonlyMap<number, CsrDef>,
  ) {}

  /** pc of the instruction being translated. */
  get pc(): bigint {
    return pairToBigInt(this.pcLo, this.pcHi);
  }

  set pc(v: bigint) {
    [this.pcLo, this.pcHi] = bigIntToPair(v);
  }

  /** pc of the following instruction. */
  get nextPc(): bigint {
    return pairToBigInt(this.nextLo, this.nextHi);
  }

  set nextPc(v: bigint) {
    [this.nextLo, this.nextHi] = bigIntToPair(v);
  }

  helper(name: string): number {
    return this.helpers.idOf(name);
  }

  // --- registers -------------------------------------------------------------

  /** x[r] for reading: x0 is the constant 0. */
  gpr(r: number): Temp {
    return r === 0 ? this.b.const64(0) : this.b.global(gX(r));
  }

  /** Where to compute x[r]: the global itself, or a scratch temp for x0 (the value is dropped). */
  dest(r: number): Temp {
    return r === 0 ? this.b.local(Type.I64) : this.b.global(gX(r));
  }

  setGpr(r: number, v: Temp): void {
    if (r !== 0) this.b.mov(this.b.global(gX(r)), v);
  }

  fpr(r: number): Temp {
    return this.b.global(gF(r));
  }

  tmp(): Temp {
    return this.b.local(Type.I64);
  }

  tmp32(): Temp {
    return this.b.local(Type.I32);
  }

  c64(v: bigint | number): Temp {
    return this.b.const64(v);
  }

  c32(v: number): Temp {
    return this.b.const32(v);
  }

  /** rs1 + imm as a guest address (no temp when imm is 0). */
  address(rs1: number, imm: number): Temp {
    if (imm === 0) return this.gpr(rs1);
    const addr = this.tmp();
    this.b.addi(addr, this.gpr(rs1), imm);
    return addr;
  }

  // --- exits -----------------------------------------------------------------

  /** Raise exception `cause` with value `tval` at this instruction and end the TB. */
  raise(cause: number, tval: Temp): void {
    this.b.call(this.helper('raise_exception'), [], [this.c32(cause), tval]);
    this.b.exitTb(ExitCode.Next); // not reached: the helper throws
    this.jmp = JmpKind.NoReturn;
  }

  /** Illegal instruction: tval is the instruction's own bits. */
  illegal(): void {
    this.raise(Excp.ILLEGAL_INSN, this.b.const64Pair(this.insn | 0, 0));
  }

  /** Jump to a constant target through chaining slot `slot`. */
  gotoTb(slot: 0 | 1, target: bigint): void {
    this.b.mov(this.b.global(G_PC), this.c64(BigInt.asUintN(64, target)));
    this.b.gotoTb(slot);
  }

  /** Jump to this.pc + offset through chaining slot `slot`. */
  gotoTbRel(slot: 0 | 1, offset: number): void {
    this.b.mov(this.b.global(G_PC), this.pcConst(offset));
    this.b.gotoTb(slot);
  }

  /** Jump to the next instruction through chaining slot `slot`. */
  gotoTbNext(slot: 0 | 1): void {
    this.b.mov(this.b.global(G_PC), this.nextPcConst());
    this.b.gotoTb(slot);
  }

  /** The pc the instruction at this.pc + offset refers to. */
  pcRel(offset: number): bigint {
    return BigInt.asUintN(64, this.pc + BigInt(offset));
  }

  /** The i64 constant this.pc + offset. */
  pcConst(offset: number): Temp {
    addPair(this.pcLo, this.pcHi, offset);
    return this.b.const64Pair(PAIR_LO, PAIR_HI);
  }

  /** The i64 constant pc of the next instruction. */
  nextPcConst(): Temp {
    return this.b.const64Pair(this.nextLo, this.nextHi);
  }
}
