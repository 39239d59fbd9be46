// The interface between the execution loop and a code tier (interpreter, Wasm).

import { CodeFetcher } from './target.js';
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
   * changes the flags stores the new ones), as the loop's lookup finds it
   * (TbCache.lookup); otherwise null, and the tier returns to the loop.
   */
  lookupIndirect(pcLo: number, pcHi: number, flags: number): TranslationBlock | null;
}

/** An IndirectJumpLookup that also answers with a TB's direct-tier entry alone (TbCache.lookupDirect). */
export interface DirectJumpLookup extends IndirectJumpLookup {
  /** The direct-tier entry of the TB for (pc, flags) (as lookupIndirect finds it); -1 if it has none, MISS if there is no TB. */
  lookupDirectEntry(pcLo: number, pcHi: number, flags: number): number;
  /**
   * The TB to continue with after prev left by its unlinked goto_tb slot
   * `slot` to (pcLo, pcHi), as lookupIndirect finds it, linked from prev as
   * the loop links it (when it may be: same page in system mode); null if
   * there is none, or the loop must see the jump (-d nochain).
   */
  chainFrom(prev: TranslationBlock, slot: 0 | 1, pcLo: number, pcHi: number, flags: number): TranslationBlock | null;
}

/** A one-instruction TB the IR interpreter runs for a decoding tier (its icount is 0: the block counts it). */
export interface Snippet {
  readonly tb: TranslationBlock;
  /** The instruction ends its TB when translated (a jump, a trap, a change of TB flags, a counter read). */
  readonly endsBlock: boolean;
}

/** Translates single instructions for a decoding tier (the exec loop, which has the translator and the IR interpreter). */
export interface SnippetMaker {
  snippet(pcLo: number, pcHi: number, flags: number, fetch: CodeFetcher): Snippet;
}

/**
 * A cold tier that runs a guest's code from its decoded form, without the IR
 * (a target's own: src/target/riscv/direct/). The loop makes every new TB by
 * decoding it there (ExecLoopOptions.direct), and the TB is translated only
 * when the Wasm tier compiles it (TranslationBlock.irSource). Instructions
 * the tier does not run itself it hands to the IR interpreter as snippets.
 */
export interface DecodingTier extends Tier {
  budget: number;
  hotThreshold: number;
  indirectJumps: DirectJumpLookup | null;
  crossPageLookups: boolean;
  snippets: SnippetMaker | null;
  /** The code space is nearly full: the loop flushes the TB cache before the next decode. */
  readonly codeSpaceFull: boolean;
  /**
   * Decode the block at (pcLo, pcHi) under `flags` (at most maxInsns
   * instructions, ending where the target's translator would end a TB) and
   * keep it for adopt(). Throws GUEST_EXCEPTION on a fetch fault.
   */
  decode(pcLo: number, pcHi: number, flags: number, fetch: CodeFetcher, maxInsns: number): { icount: number; size: number };
  /** tb is the TB for the block decode() just made. */
  adopt(tb: TranslationBlock): void;
  /** tb was invalidated: forget it. */
  release(tb: TranslationBlock): void;
}
