// Word indices (byte offset / 4) into the linear memory's Int32Array: the
// CPU header fields (layout.ts) and the fields of a TLB entry (tlb-layout.ts)
// as the interpreters read and write them, and the fast path's tag masks.

import { Cpu, CPU_BASE } from './layout.js';
import { PAGE_MASK_LO, TLB_ENTRIES, TlbEntry } from './tlb-layout.js';

export const PC_W = (CPU_BASE + Cpu.PC) >>> 2;
export const EXIT_REQUEST_W = (CPU_BASE + Cpu.EXIT_REQUEST) >>> 2;
export const INSN_COUNT_W = (CPU_BASE + Cpu.INSN_COUNT) >>> 2;
export const HELPER_RET_W = (CPU_BASE + Cpu.HELPER_RET) >>> 2;
export const HELPER_ARGS_W = (CPU_BASE + Cpu.HELPER_ARGS) >>> 2;
export const TB_FLAGS_W = (CPU_BASE + Cpu.TB_FLAGS) >>> 2;

export const TLB_INDEX_MASK = TLB_ENTRIES - 1;
/** Words per TLB entry (32 bytes): index << 3 is the entry's word offset in its table. */
export const TLB_ENTRY_WORD_SHIFT = 3;
/** Word offsets inside an entry: read tag (0, 1), write tag (2, 3), addend (6). */
export const W_READ_TAG = TlbEntry.READ_TAG >>> 2, W_WRITE_TAG = TlbEntry.WRITE_TAG >>> 2, W_ADDEND = TlbEntry.ADDEND >>> 2;
/** A fast-path tag compare's mask for a 1, 2, 4 or 8-byte access: the page and the alignment bits (tlb-layout.ts). */
export const MASK8 = PAGE_MASK_LO, MASK16 = PAGE_MASK_LO | 1, MASK32 = PAGE_MASK_LO | 3, MASK64 = PAGE_MASK_LO | 7;
