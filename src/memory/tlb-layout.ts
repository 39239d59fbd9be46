// The layout of a software TLB entry, shared by the interpreter, the Wasm code
// generator (which inlines the fast path) and the slow path that fills entries.
//
// Fast path for an access of 2^s bytes at virtual address v through table mmu:
//   index = (v_lo >>> PAGE_BITS) & (TLB_ENTRIES - 1)
//   entry = TLB_BASE + (mmu * TLB_ENTRIES + index) * TLB_ENTRY_SIZE
//   hit  <=> (v & (PAGE_MASK | (2^s - 1))) == tag     (both 32-bit halves)
//   host  = (v_lo + entry.addend) >>> 0               (a linear-memory offset)
// Folding the alignment bits into the compare sends every misaligned access to
// the slow path, so the fast path never crosses a page and typed-array views
// can be indexed directly. An invalid tag is all ones: no address with the low
// alignment bits masked in can equal it.
//
// A page that holds translated code has its write tag invalidated, so every
// store to it takes the slow path, which invalidates the TBs first.

import { TLB_BASE } from './layout.js';

export const PAGE_BITS = 12;
export const PAGE_SIZE = 1 << PAGE_BITS;
/** Low 32 bits of the page mask (the high half of the mask is all ones). */
export const PAGE_MASK_LO = ~(PAGE_SIZE - 1);

/** 1024 entries: enough for the working set of compression programs, 32 KiB a table. */
export const TLB_BITS = 10;
export const TLB_ENTRIES = 1 << TLB_BITS;
export const TLB_ENTRY_SIZE = 32;
/** MMU indices (privilege modes and MPRV variants in system mode; one in user mode). */
export const TLB_MMU_COUNT = 8;
/**
 * Instruction fetches of MMU index i use table i + CODE_TLB_OFFSET, so data
 * accesses never evict the code entries (a split I/D TLB): the Wasm
 * dispatcher checks a jump target's mapping in them. Data indices are below it.
 */
export const CODE_TLB_OFFSET = TLB_MMU_COUNT / 2;
export function codeTlbIndex(mmuIdx: number): number {
  return mmuIdx + CODE_TLB_OFFSET;
}
export const TLB_TABLE_SIZE = TLB_ENTRIES * TLB_ENTRY_SIZE;
export const TLB_TOTAL_SIZE = TLB_TABLE_SIZE * TLB_MMU_COUNT;

/** Field offsets inside an entry. Tags are i64 (lo word first). */
export const TlbEntry = {
  READ_TAG: 0,
  WRITE_TAG: 8,
  CODE_TAG: 16,
  /** i32: added to the low 32 bits of the virtual address to give the linear-memory offset. */
  ADDEND: 24,
} as const;

export function tlbEntryOffset(mmuIdx: number, vaddrLo: number): number {
  return TLB_BASE + (mmuIdx * TLB_ENTRIES + ((vaddrLo >>> PAGE_BITS) & (TLB_ENTRIES - 1))) * TLB_ENTRY_SIZE;
}
