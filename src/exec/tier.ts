// The interface between the execution loop and a code tier (interpreter, Wasm).

import { TranslationBlock } from './tb.js';

export interface Tier {
  readonly name: string;
  /** Prepare tb for this tier (encode or compile); called once per TB. */
  prepare(tb: TranslationBlock): void;
  /**
   * Run tb (and, for tiers that chain internally, the TBs it jumps to) and
   * return an ExitCode. Cpu.PC holds the next pc on return, and
   * lastTb is the TB that actually ended (for chaining decisions).
   * May throw GUEST_EXCEPTION, with Cpu.PC at the faulting instruction.
   */
  execute(tb: TranslationBlock): number;
  /** The TB whose exit produced the last return value of execute. */
  readonly lastTb: TranslationBlock | null;
  /** Forget everything (TB cache flush). */
  flush(): void;
}

/**
 * Offered by the execution loop to a tier that follows indirect jumps
 * (goto_ptr: every function return) itself instead of returning to the loop
 * for each one. QEMU's lookup_and_goto_ptr, in spirit.
 */
export interface IndirectJumpLookup {
  /**
   * The TB to continue with at (pcLo, pcHi) under the TB flags `flags`
   * (Cpu.TB_FLAGS: the loop stores it at each entry, and a helper that
   * changes the flags stores the new ones), if the TB cache's jump cache
   * holds it; otherwise null, and the tier returns to the loop.
   */
  lookupIndirect(pcLo: number, pcHi: number, flags: number): TranslationBlock | null;
}
