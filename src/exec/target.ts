// How a guest plugs into the core (QEMU's TranslatorOps, in spirit).
// Nothing under exec/, ir/ or backend/ knows which guest it runs.

import { IRBuilder } from '../ir/builder.js';
import { GlobalDecl } from '../ir/ir.js';
import { HelperTable } from './helpers.js';

/** Reads guest code through the code TLB while translating; records the pages it touched. */
export interface CodeFetcher {
  /** 16 bits of code at virtual address (lo, hi). Throws GUEST_EXCEPTION (with Cpu.PC set) on a fetch fault. */
  fetch16(vaddrLo: number, vaddrHi: number): number;
}

export interface TranslateResult {
  /** Guest instructions translated. */
  icount: number;
  /** Guest bytes covered, from the TB's pc. */
  size: number;
  /**
   * The last instruction ended the TB itself (a jump, a trap, a change of
   * translation state), rather than the length or page limit.
   */
  endsTb: boolean;
}

export interface GuestTarget {
  readonly name: string;
  /** Globals in temp-index order (see IRFunction). */
  readonly globals: readonly GlobalDecl[];
  readonly helpers: HelperTable;
  /** The TB flags for the current CPU state (privilege, FS, ...): part of the TB cache key. */
  tbFlags(): number;
  /** MMU index used for instruction fetch under these flags. */
  codeMmuIdx(flags: number): number;
  /**
   * Translate the TB at pc into b. Must end with a TB exit op, must not cross
   * a guest page boundary except with a single instruction that straddles
   * it, and must emit insn_start before each guest instruction.
   */
  translate(b: IRBuilder, pcLo: number, pcHi: number, flags: number, fetch: CodeFetcher, maxInsns: number): TranslateResult;
  /** One instruction as text, for -d in_asm. */
  disassemble(pc: bigint, fetch: CodeFetcher): { text: string; length: number };
}
