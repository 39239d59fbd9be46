// Test doubles for the memory slow path.

import { Cpu, CPU_BASE, TLB_BASE } from '../../src/memory/layout.js';
import { TLB_TOTAL_SIZE } from '../../src/memory/tlb-layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { MemorySlowPath } from '../../src/memory/softmmu-api.js';

/** For tests that must never leave the TLB fast path (or touch guest memory at all). */
export const throwingSlowPath: MemorySlowPath = {
  load(addrLo: number, addrHi: number): void {
    throw new Error(`unexpected slow-path load at ${addrHi >>> 0}:${addrLo >>> 0}`);
  },
  store(addrLo: number, addrHi: number): void {
    throw new Error(`unexpected slow-path store at ${addrHi >>> 0}:${addrLo >>> 0}`);
  },
};

export interface SlowCall {
  readonly kind: 'load' | 'store';
  readonly addr: bigint;
  readonly value: bigint;
  readonly memop: number;
  readonly mmu: number;
  /** Cpu.PC when the slow path was called. */
  readonly pc: bigint;
}

/**
 * A slow path backed by a map of 8-byte cells keyed by address (aligned
 * accesses only), recording every call with Cpu.PC at the time.
 */
export function recordingSlowPath(mem: LinearMemory): MemorySlowPath & { calls: SlowCall[]; cells: Map<bigint, bigint> } {
  const calls: SlowCall[] = [];
  const cells = new Map<bigint, bigint>();
  const addrOf = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const pc = (): bigint => mem.readU64(CPU_BASE + Cpu.PC);
  return {
    calls, cells,
    load(lo, hi, memop, mmu) {
      const addr = addrOf(lo, hi);
      const bits = 8 << (memop & MemOp.SIZE_MASK);
      let v = BigInt.asUintN(bits, cells.get(addr) ?? 0n);
      if (memop & MemOp.SIGN) v = BigInt.asUintN(64, BigInt.asIntN(bits, v));
      calls.push({ kind: 'load', addr, value: v, memop, mmu, pc: pc() });
      mem.writeU64(CPU_BASE + Cpu.HELPER_RET, v);
    },
    store(lo, hi, vlo, vhi, memop, mmu) {
      const addr = addrOf(lo, hi);
      const bits = 8 << (memop & MemOp.SIZE_MASK);
      const v = BigInt.asUintN(bits, addrOf(vlo, vhi));
      calls.push({ kind: 'store', addr, value: v, memop, mmu, pc: pc() });
      cells.set(addr, v);
    },
  };
}

/** Mark every TLB entry invalid (all-ones tags): a zeroed TLB would map guest page 0 to linear offset 0. */
export function invalidateAllTlbs(mem: LinearMemory): void {
  mem.u8.fill(0xff, TLB_BASE, TLB_BASE + TLB_TOTAL_SIZE);
}
