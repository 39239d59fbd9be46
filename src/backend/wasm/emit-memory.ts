// Memory ops: host ld/st of the CPU state and guest qemu_ld/qemu_st with the
// inline TLB fast path of src/memory/tlb-layout.ts.
// Scratch numbering: i64 #5 holds the guest address, i32 #5 the TLB entry
// offset; the byte swaps nested inside use #7 (see emit-bits.ts).
// The TLB hit is hinted likely, so V8 (with branch hinting enabled) moves the
// slow path, its write-back and its register spills out of line.

import { Temp, Type } from '../../ir/types.js';
import { Cpu, CPU_BASE, TLB_BASE } from '../../memory/layout.js';
import { MemOp } from '../../memory/memop.js';
import { PAGE_BITS, TLB_ENTRIES, TLB_ENTRY_SIZE, TLB_TABLE_SIZE, TlbEntry } from '../../memory/tlb-layout.js';
import { emitBswap16OnStack, emitBswap32OnStack, emitBswap64OnStack } from './emit-bits.js';
import { EmitContext, valType } from './emit-context.js';
import { Op, ValType } from './opcodes.js';

const ADDR_I64 = 5;
const ENTRY_I32 = 5;
const ENTRY_SHIFT = Math.log2(TLB_ENTRY_SIZE);
if (!Number.isInteger(ENTRY_SHIFT)) throw new Error('TLB_ENTRY_SIZE must be a power of two');
if (ENTRY_SHIFT > PAGE_BITS) throw new Error('TLB entry index: ENTRY_SHIFT must not exceed PAGE_BITS');

/** Linear-memory address (i32) on the stack -> the value loaded per memop, as type `out`. */
export function emitLoadValue(e: EmitContext, memop: number, out: Type, offset: number): void {
  const w = e.w;
  const size = memop & MemOp.SIZE_MASK;
  const sign = (memop & MemOp.SIGN) !== 0;
  const bswap = (memop & MemOp.BSWAP) !== 0 && size > 0;
  if (size === 3) {
    w.mem(Op.i64_load, 3, offset);
    if (bswap) emitBswap64OnStack(e);
    if (out === Type.I32) w.op(Op.i32_wrap_i64);
    return;
  }
  if (out === Type.I64 && !bswap) {
    const ops = sign ? [Op.i64_load8_s, Op.i64_load16_s, Op.i64_load32_s] : [Op.i64_load8_u, Op.i64_load16_u, Op.i64_load32_u];
    w.mem(ops[size]!, size, offset);
    return;
  }
  // Work in i32: load, swap, extend within 32 bits, then widen if needed.
  if (size === 0) w.mem(sign ? Op.i32_load8_s : Op.i32_load8_u, 0, offset);
  else if (size === 1) {
    if (bswap) {
      w.mem(Op.i32_load16_u, 1, offset);
      emitBswap16OnStack(e);
      if (sign) w.op(Op.i32_extend16_s);
    } else {
      w.mem(sign ? Op.i32_load16_s : Op.i32_load16_u, 1, offset);
    }
  } else {
    w.mem(Op.i32_load, 2, offset);
    if (bswap) emitBswap32OnStack(e);
  }
  if (out === Type.I64) w.op(sign ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
}

/** Linear-memory address (i32) on the stack; push v and store its low (memop size) bytes. */
export function emitStoreValue(e: EmitContext, memop: number, v: Temp, offset: number): void {
  const w = e.w;
  const size = memop & MemOp.SIZE_MASK;
  const bswap = (memop & MemOp.BSWAP) !== 0 && size > 0;
  e.get(v);
  if (size === 3) {
    if (v.type === Type.I32) w.op(Op.i64_extend_i32_u);
    if (bswap) emitBswap64OnStack(e);
    w.mem(Op.i64_store, 3, offset);
    return;
  }
  if (v.type === Type.I64) {
    if (!bswap) {
      w.mem([Op.i64_store8, Op.i64_store16, Op.i64_store32][size]!, size, offset);
      return;
    }
    w.op(Op.i32_wrap_i64);
  }
  if (bswap) {
    if (size === 1) emitBswap16OnStack(e);
    else emitBswap32OnStack(e);
  }
  w.mem([Op.i32_store8, Op.i32_store16, Op.i32_store][size]!, size, offset);
}

/** d = CPU state at offset (host ld). */
export function emitHostLoad(e: EmitContext, d: Temp, offset: number, memop: number): void {
  e.def(d, () => {
    e.w.i32Const(0);
    emitLoadValue(e, memop, d.type, CPU_BASE + offset);
  });
}

/** CPU state at offset = v (host st). */
export function emitHostStore(e: EmitContext, v: Temp, offset: number, memop: number): void {
  e.w.i32Const(0);
  emitStoreValue(e, memop, v, CPU_BASE + offset);
}

export interface GuestMemoryFns {
  /** Function index of the imported slow-path load (addrLo, addrHi, memop, mmuIdx) -> (). */
  readonly slowLoad: number;
  /** Function index of the imported slow-path store (addrLo, addrHi, valLo, valHi, memop, mmuIdx) -> (). */
  readonly slowStore: number;
  /** Emit the store of the current instruction's pc into Cpu.PC. */
  storePc(): void;
}

/**
 * Compute the TLB entry offset (relative to the table) into scratch i32 and
 * push the hit test: (addr & (page mask | size-1)) == tag.
 */
function emitTlbHitTest(e: EmitContext, addr: Temp, memop: number, mmuIdx: number, tagField: number): number {
  const w = e.w;
  const a = e.scratch(ValType.I64, ADDR_I64);
  const entry = e.scratch(ValType.I32, ENTRY_I32);
  const alignBits = (1 << (memop & MemOp.SIZE_MASK)) - 1;
  e.get(addr);
  // ((addr >> PAGE_BITS) & (TLB_ENTRIES - 1)) << ENTRY_SHIFT, with one shift fewer.
  w.localTee(a).op(Op.i32_wrap_i64).i32Const(PAGE_BITS - ENTRY_SHIFT).op(Op.i32_shr_u);
  w.i32Const((TLB_ENTRIES - 1) << ENTRY_SHIFT).op(Op.i32_and).localSet(entry);
  w.localGet(a).i64Const(BigInt(-(1 << PAGE_BITS) | alignBits)).op(Op.i64_and);
  w.localGet(entry).mem(Op.i64_load, 3, tableBase(mmuIdx) + tagField);
  w.op(Op.i64_eq);
  return a;
}

function tableBase(mmuIdx: number): number {
  return TLB_BASE + mmuIdx * TLB_TABLE_SIZE;
}

/** Push the host address of a TLB hit: (addr_lo + addend) as an i32. */
function emitHostAddress(e: EmitContext, mmuIdx: number): void {
  const a = e.scratch(ValType.I64, ADDR_I64);
  const entry = e.scratch(ValType.I32, ENTRY_I32);
  e.w.localGet(a).op(Op.i32_wrap_i64).localGet(entry).mem(Op.i32_load, 2, tableBase(mmuIdx) + TlbEntry.ADDEND).op(Op.i32_add);
}

function pushAddrHalves(e: EmitContext): void {
  const a = e.scratch(ValType.I64, ADDR_I64);
  e.w.localGet(a).op(Op.i32_wrap_i64).localGet(a).i64Const(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
}

export function emitGuestLoad(e: EmitContext, fns: GuestMemoryFns, d: Temp, addr: Temp, memop: number, mmuIdx: number): void {
  const w = e.w;
  e.def(d, () => {
    emitTlbHitTest(e, addr, memop, mmuIdx, TlbEntry.READ_TAG);
    w.hint(true).if_(valType(d.type));
    emitHostAddress(e, mmuIdx);
    emitLoadValue(e, memop, d.type, 0);
    w.else_();
    fns.storePc();
    pushAddrHalves(e);
    w.i32Const(memop).i32Const(mmuIdx).call(fns.slowLoad);
    w.i32Const(0).mem(d.type === Type.I32 ? Op.i32_load : Op.i64_load, d.type === Type.I32 ? 2 : 3, CPU_BASE + Cpu.HELPER_RET);
    w.end();
  });
}

export function emitGuestStore(e: EmitContext, fns: GuestMemoryFns, v: Temp, addr: Temp, memop: number, mmuIdx: number): void {
  const w = e.w;
  emitTlbHitTest(e, addr, memop, mmuIdx, TlbEntry.WRITE_TAG);
  w.hint(true).if_();
  emitHostAddress(e, mmuIdx);
  emitStoreValue(e, memop, v, 0);
  w.else_();
  fns.storePc();
  pushAddrHalves(e);
  e.get(v);
  if (v.type === Type.I64) {
    // v is pure, so reading it twice is fine.
    w.op(Op.i32_wrap_i64);
    e.get(v);
    w.i64Const(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  } else {
    w.i32Const(0);
  }
  w.i32Const(memop).i32Const(mmuIdx).call(fns.slowStore);
  w.end();
}
