// The interpreter's rarer memory ops, out of the dispatch loop: host ld/st on
// the CPU state, and guest accesses of any MemOp (byte-swapped ones, for
// big-endian guests). The common little-endian guest accesses have their TLB
// fast path inline in interp-tier.ts.

import { LinearMemory } from '../../memory/linear-memory.js';
import { MemOp } from '../../memory/memop.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { PAGE_BITS, PAGE_MASK_LO, TLB_ENTRIES } from '../../memory/tlb-layout.js';
import { HELPER_RET_W, PC_W } from '../../memory/words.js';

/** Write the value (lo, hi), loaded per memop, to word d (both words when is64). */
function writeLoaded(m: Int32Array, d: number, lo: number, hi: number, is64: boolean): void {
  m[d] = lo;
  if (is64) m[d + 1] = hi;
}

/** Read size bytes at byte offset `at` as (lo, hi), extended per memop; little- or big-endian. */
function readBytes(u8: Uint8Array, at: number, memop: number, out: Int32Array, outW: number): void {
  const size = 1 << (memop & MemOp.SIZE_MASK), big = (memop & MemOp.BSWAP) !== 0;
  let lo = 0, hi = 0;
  for (let i = 0; i < size; i++) {
    const byte = u8[at + (big ? size - 1 - i : i)]!;
    if (i < 4) lo |= byte << (8 * i); else hi |= byte << (8 * (i - 4));
  }
  if (memop & MemOp.SIGN && size < 8) {
    const shift = 32 - 8 * Math.min(size, 4);
    if (size < 4) lo = (lo << shift) >> shift;
    hi = lo >> 31;
  }
  out[outW] = lo; out[outW + 1] = hi;
}

function writeBytes(u8: Uint8Array, at: number, memop: number, lo: number, hi: number): void {
  const size = 1 << (memop & MemOp.SIZE_MASK), big = (memop & MemOp.BSWAP) !== 0;
  for (let i = 0; i < size; i++) {
    const byte = i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4));
    u8[at + (big ? size - 1 - i : i)] = byte & 0xff;
  }
}

/** Allocated once: host loads assemble their value here (HELPER_RET may hold live helper results). */
const hostScratch = new Int32Array(2);

/** ld_i32/ld_i64 from the CPU state: [op, d, byteAddr, memop]. */
export function hostLoad(mem: LinearMemory, d: number, byteAddr: number, memop: number, is64: boolean): void {
  readBytes(mem.u8, byteAddr, memop, hostScratch, 0);
  writeLoaded(mem.i32, d, hostScratch[0]!, hostScratch[1]!, is64);
}

/** st_i32/st_i64 to the CPU state: [op, v, byteAddr, memop]. */
export function hostStore(mem: LinearMemory, v: number, byteAddr: number, memop: number): void {
  const m = mem.i32;
  writeBytes(mem.u8, byteAddr, memop & ~MemOp.BSWAP, m[v]!, m[v + 1]!);
}

function entryWord(code: Int32Array, ip: number, vlo: number): number {
  return code[ip + 3]! + (((vlo >>> PAGE_BITS) & (TLB_ENTRIES - 1)) << 3);
}

/** qemu_ld of any MemOp: [op, d, addr, tlbTableWord, memop, mmu, pcLo, pcHi, is64]. */
export function guestLoadGeneric(mem: LinearMemory, slowPath: MemorySlowPath, code: Int32Array, ip: number): void {
  let m = mem.i32;
  const d = code[ip + 1]!, a = code[ip + 2]!, memop = code[ip + 4]!, is64 = code[ip + 8] !== 0;
  const vlo = m[a]!, vhi = m[a + 1]!, e = entryWord(code, ip, vlo);
  const mask = PAGE_MASK_LO | ((1 << (memop & MemOp.SIZE_MASK)) - 1);
  if ((vlo & mask) === m[e] && vhi === m[e + 1]) {
    readBytes(mem.u8, (vlo + m[e + 6]!) >>> 0, memop, m, HELPER_RET_W);
  } else {
    m[PC_W] = code[ip + 6]!; m[PC_W + 1] = code[ip + 7]!;
    slowPath.load(vlo, vhi, memop, code[ip + 5]!);
    m = mem.i32;
  }
  writeLoaded(m, d, m[HELPER_RET_W]!, m[HELPER_RET_W + 1]!, is64);
}

/** qemu_st of any MemOp: [op, v, addr, tlbTableWord, memop, mmu, pcLo, pcHi]. */
export function guestStoreGeneric(mem: LinearMemory, slowPath: MemorySlowPath, code: Int32Array, ip: number): void {
  const m = mem.i32;
  const v = code[ip + 1]!, a = code[ip + 2]!, memop = code[ip + 4]!;
  const vlo = m[a]!, vhi = m[a + 1]!, e = entryWord(code, ip, vlo);
  const mask = PAGE_MASK_LO | ((1 << (memop & MemOp.SIZE_MASK)) - 1);
  if ((vlo & mask) === m[e + 2] && vhi === m[e + 3]) {
    writeBytes(mem.u8, (vlo + m[e + 6]!) >>> 0, memop, m[v]!, m[v + 1]!);
  } else {
    m[PC_W] = code[ip + 6]!; m[PC_W + 1] = code[ip + 7]!;
    slowPath.store(vlo, vhi, m[v]!, m[v + 1]!, memop, code[ip + 5]!);
  }
}
